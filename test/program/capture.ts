/**
 * Runs the example programs under mocks (harness/captureProgram.ts) with a stack's config, as the Pulumi CLI
 * would hand it over: Pulumi.<stack>.yaml, plus a distinctive API key (secret) and base URL in `digicert:*` config
 * and in DIGICERT_* variables, so a test can prove that none of them reaches what is registered.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as t from "io-ts";
import { captureRegistrations, Registration } from "../../harness/captureProgram";
import { loadStackConfig, PROGRAM_MODULE, PROJECT_NAME } from "../../scripts/lib/stackProject";

export const CONFIG_API_KEY = "cfg-key-5f0c1d7e9b2a4c68";
export const ENV_API_KEY = "env-key-a83e6b1f2c9d4e07";
export const CONFIG_BASE_URL = "http://127.0.0.1:9/services/v2/cfg-url-3c9e";
export const ENV_BASE_URL = "http://127.0.0.1:9/services/v2/env-url-7d21";

const RECORDER = path.join(__dirname, "fixtures", "recordSecretOutputs.js");

const logEntry = t.type({ type: t.string, name: t.string, additionalSecretOutputs: t.array(t.string) });
export type MonitorEntry = t.TypeOf<typeof logEntry>;

export interface Captured {
  readonly registrations: Registration[];
  /** What the SDK sent to the resource monitor beyond the mock hook's view, one entry per registration. */
  readonly monitor: MonitorEntry[];
  /** The config the program was run with. */
  readonly config: Record<string, string>;
}

export interface CaptureStackOptions {
  /** Replaces keys of the stack's config; `undefined` removes a key. */
  readonly overrides?: Record<string, string | undefined>;
  readonly programModule?: string;
  readonly cwd?: string;
  /** Wrap the program to record additionalSecretOutputs (needs the program in this checkout's dist/). */
  readonly record?: boolean;
}

export async function captureStack(stack: string, opts: CaptureStackOptions = {}): Promise<Captured> {
  const config: Record<string, string> = {
    ...loadStackConfig(stack).config,
    "digicert:apiKey": CONFIG_API_KEY,
    "digicert:baseUrl": CONFIG_BASE_URL,
  };
  for (const [key, value] of Object.entries(opts.overrides ?? {})) {
    if (value === undefined) delete config[key];
    else config[key] = value;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "program-test-"));
  const log = path.join(tmp, "monitor.jsonl");
  const program = opts.programModule ?? PROGRAM_MODULE;
  const record = opts.record ?? true;
  try {
    const registrations = await captureRegistrations({
      programModule: record ? RECORDER : program,
      project: PROJECT_NAME,
      stack,
      config,
      configSecretKeys: ["digicert:apiKey"],
      cwd: opts.cwd,
      env: {
        DIGICERT_API_KEY: ENV_API_KEY,
        DIGICERT_BASE_URL: ENV_BASE_URL,
        PROGRAM_UNDER_TEST: program,
        REGISTRATION_LOG: log,
      },
    });
    const lines = fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
    const monitor = lines.map((line) => {
      const decoded = logEntry.decode(JSON.parse(line));
      if (decoded._tag === "Left") throw new Error(`unexpected monitor log line: ${line}`);
      return decoded.right;
    });
    return { registrations, monitor, config };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The specifiers of every `require("…")` in serialized code. */
export function requireSpecifiers(code: string): string[] {
  return [...code.matchAll(/require\(\s*(["'`])([^"'`]+)\1\s*\)/g)].map((m) => m[2]);
}
