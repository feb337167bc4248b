#!/usr/bin/env node
/**
 * `certcentral-emulator`: runs the emulator until SIGINT/SIGTERM. The first (and only) stdout line is the base
 * URL, so a script can start it with --port 0 and read where it listens; the banner and the optional request log
 * go to stderr.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { AutoProgressFlag, CliValues, PackageManifest, PortFromString } from "./codecs";
import { controlEndpoints } from "./control";
import { decodeOrUndefined } from "./decoding";
import { DEFAULT_API_KEY, DEFAULT_RATE_LIMITS, startEmulator } from "./index";
import { EmulatorOptions, RecordedRequest } from "./types";

export const USAGE = `usage: certcentral-emulator [options]

  --port N                 port on 127.0.0.1 (default 0: any free port); also --port=N
  --api-key K              an accepted X-DC-DEVKEY; repeat for several (default ${DEFAULT_API_KEY})
  --auto-progress MODE     on-read: each order-info read moves an order one step; off (default)
  --no-rate-limit          do not enforce DigiCert's rate limits (100 per 5 s, 1000 per 5 min per key)
  --log-requests           one stderr line per API request: method, path, status, key (masked)
  -h, --help               this help
  --version                the package version

The first stdout line is the API base URL; the banner and request log go to stderr.
A flag's value may not start with "-": "--api-key --port 1" is an error, not a key named "--port".`;

export class UsageError extends Error {}

export type Command =
  { kind: "help" } | { kind: "version" } | { kind: "run"; options: EmulatorOptions; logRequests: boolean };

const OPTIONS = {
  port: { type: "string" },
  "api-key": { type: "string", multiple: true },
  "auto-progress": { type: "string" },
  "no-rate-limit": { type: "boolean" },
  "log-requests": { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

/** parseArgs' messages, reworded as one line naming the flag. */
function usageErrorOf(error: unknown): UsageError {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof Error && "code" in error ? String(error.code) : "";
  const flag = /'(-[^' ]+)/.exec(message)?.[1] ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return new UsageError(`unknown argument ${flag}`);
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    return new UsageError(`unexpected argument ${/'([^']*)'/.exec(message)?.[1] ?? ""}`);
  }
  if (/ambiguous/.test(message)) {
    return new UsageError(`${flag} needs a value, and the next argument is a flag`);
  }
  if (/argument missing/.test(message)) return new UsageError(`${flag} needs a value`);
  if (/does not take an argument/.test(message)) return new UsageError(`${flag} takes no value`);
  return new UsageError(message.split("\n")[0]);
}

/** Parses the command line with node's util.parseArgs (strict), then decodes every value. */
export function parseCommand(args: readonly string[]): Command {
  let raw: unknown;
  try {
    raw = parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw usageErrorOf(error);
  }
  const values = decodeOrUndefined(CliValues, { ...(raw as object) });
  if (values === undefined) throw new UsageError("unreadable arguments");
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };

  const options: EmulatorOptions = { port: 0 };
  if (values.port !== undefined) {
    const port = decodeOrUndefined(PortFromString, values.port);
    if (port === undefined) throw new UsageError("--port needs a number from 0 to 65535");
    options.port = port;
  }
  const apiKeys = values["api-key"] ?? [];
  for (const key of apiKeys) {
    if (key === "") throw new UsageError("--api-key needs a non-empty key");
    if (key.startsWith("-")) throw new UsageError(`--api-key value ${key} looks like a flag`);
  }
  if (apiKeys.length > 0) options.apiKeys = apiKeys;
  if (values["auto-progress"] !== undefined) {
    const mode = decodeOrUndefined(AutoProgressFlag, values["auto-progress"]);
    if (mode === undefined) throw new UsageError("--auto-progress needs on-read or off");
    options.autoProgress = mode;
  }
  if (values["no-rate-limit"]) options.rateLimits = [];
  return { kind: "run", options, logRequests: values["log-requests"] ?? false };
}

/** The emulator options of a run command line (kept for callers of the first CLI version). */
export function parseArguments(args: readonly string[]): EmulatorOptions {
  const command = parseCommand(args);
  if (command.kind !== "run") throw new UsageError(`--${command.kind} does not start the emulator`);
  return command.options;
}

/** Enough of a key to tell keys apart in a log, never the whole key: "emul****"; "-" when none was sent. */
export function maskKey(key: string | undefined): string {
  if (key === undefined || key === "") return "-";
  return key.length <= 8 ? "****" : `${key.slice(0, 4)}****`;
}

/** One request-log line: `POST /services/v2/order/certificate/code_signing 201 key=emul****`. */
export function requestLogLine(request: RecordedRequest): string {
  const status = request.status === 0 ? "no-answer" : String(request.status);
  return `${request.method} /services/v2${request.path} ${status} key=${maskKey(request.headers["x-dc-devkey"])}`;
}

/** The stderr banner: where it listens, the keys, the control endpoints, how to stop. */
export function banner(baseUrl: string, options: EmulatorOptions, logRequests: boolean): string {
  const origin = baseUrl.replace(/\/services\/v2$/, "");
  const keys = options.apiKeys ?? [DEFAULT_API_KEY];
  const limits = options.rateLimits ?? DEFAULT_RATE_LIMITS;
  const rateLimits =
    limits.length === 0
      ? "off"
      : limits.map((w) => `${w.limit} per ${w.windowMs / 1000} s`).join(", ") + " per key";
  return [
    `CertCentral emulator (offline stand-in for DigiCert CertCentral Services API v2)`,
    `  API base URL     ${baseUrl}`,
    `  API key(s)       ${keys.join(", ")}   (header X-DC-DEVKEY)`,
    `  rate limits      ${rateLimits}`,
    `  auto progress    ${options.autoProgress ?? "off"}`,
    `  request log      ${logRequests ? "on (stderr)" : "off (--log-requests)"}`,
    `  control plane    ${origin}/__emulator   (no key needed)`,
    ...controlEndpoints().map(
      (endpoint) => `    ${endpoint.replace(" ", " ".repeat(8 - endpoint.indexOf(" ")))}`,
    ),
    `  e.g. curl -X POST ${origin}/__emulator/orders/7000001/issue`,
    `  Stop with Ctrl+C (SIGINT) or SIGTERM.`,
    "",
  ].join("\n");
}

/** The package's version from package.json (two levels up from dist/emulator, as installed). */
export function packageVersion(): string {
  const file = path.resolve(__dirname, "..", "..", "package.json");
  const manifest = decodeOrUndefined(PackageManifest, JSON.parse(fs.readFileSync(file, "utf8")));
  return manifest ? `${manifest.name} ${manifest.version}` : "unknown";
}

async function main(): Promise<void> {
  let command: Command;
  try {
    command = parseCommand(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`certcentral-emulator: ${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (command.kind === "help") {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (command.kind === "version") {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  const { options, logRequests } = command;
  const emulator = await startEmulator({
    ...options,
    ...(logRequests ? { onRequest: (r) => process.stderr.write(`${requestLogLine(r)}\n`) } : {}),
  });
  process.stdout.write(`${emulator.baseUrl}\n`);
  process.stderr.write(banner(emulator.baseUrl, options, logRequests));
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`certcentral-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
