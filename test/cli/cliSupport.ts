/**
 * What the real-CLI suites share: finding the CLI (PATH, else .pulumi-cli/bin from `npm run setup:pulumi`), marking a
 * suite pending where it is missing, reading `--json` output, and a stand-in for the dynamic-provider launcher that
 * records each provider host the engine starts.
 */
import * as fs from "fs";
import * as path from "path";
import * as t from "io-ts";
import { isLeft } from "fp-ts/Either";
import { CODE_SIGNING_ORDER_TYPE } from "../../harness/providerHost";
import { PROGRAMS_ROOT, REPO_ROOT } from "../../harness/programDir";
import { expect } from "chai";
import { CliError, findPulumi, StateExport } from "../../scripts/lib/pulumiCli";

export const PULUMI = findPulumi();
export const PENDING_REASON = "the pulumi CLI is not built here (npm run setup:pulumi) nor on PATH";

/** A suite title that says, where the CLI is missing, that its tests are pending and why. */
export function cliSuiteTitle(title: string): string {
  return PULUMI ? title : `${title} (pending: ${PENDING_REASON})`;
}

/** In a `before` hook: skips the suite (every test pending) where there is no CLI. Returns the CLI's path. */
export function requirePulumi(context: Mocha.Context): string {
  if (!PULUMI) {
    console.log(`      ${PENDING_REASON}: every test of this suite is pending`);
    context.skip();
  }
  return PULUMI as string;
}

/**
 * For a suite whose steps build on each other (each needs the state the one before left): after a failure, the
 * remaining steps are reported pending, never passed, each with a line saying which step it waits for. Call inside
 * the `describe`.
 */
export function stepsInOrder(): void {
  let failed: string | undefined;
  beforeEach(function () {
    if (failed === undefined || this.currentTest === undefined) return;
    // Reported pending (never passed; the run fails anyway, on the step that failed), its reason in its own title: the
    // step cannot run without the state the failed step should have left.
    this.currentTest.title += ` (pending: needs what "${failed}" should have left, and it failed)`;
    this.skip();
  });
  afterEach(function () {
    if (failed === undefined && this.currentTest?.state === "failed") failed = this.currentTest.title;
  });
}

/** `--json` output; a CLI that prints a line before the document is tolerated. */
export function parseJsonOutput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const start = text.search(/^\{/m);
    if (start < 0) throw new Error(`no JSON in the output:\n${text}`);
    return JSON.parse(text.slice(start));
  }
}

const previewJson = t.type({ steps: t.array(t.type({ op: t.string, urn: t.string })) });

/** Every step `pulumi preview --json` plans. */
export function plannedSteps(stdout: string): { op: string; urn: string }[] {
  const decoded = previewJson.decode(parseJsonOutput(stdout));
  if (isLeft(decoded)) throw new Error(`unexpected preview JSON:\n${stdout}`);
  return decoded.right.steps;
}

/** The operations `pulumi preview --json` plans for the CodeSigningOrder named `name`. */
export function plannedOps(stdout: string, name: string): string[] {
  return plannedSteps(stdout)
    .filter((s) => s.urn.endsWith(`::${CODE_SIGNING_ORDER_TYPE}::${name}`))
    .map((s) => s.op);
}

export function orderResources(state: StateExport) {
  return (state.deployment.resources ?? []).filter((r) => r.type === CODE_SIGNING_ORDER_TYPE);
}

/** A folder holding a launcher that logs each process it starts; see countingLauncher. */
export interface CountingLauncher {
  readonly binDir: string;
  launches(): number;
  /**
   * The engine starts each plugin in a process group of its own, led by the launcher: a kill of the CLI's group does
   * not reach it, so a crash of the whole deployment kills these too.
   */
  killAll(): void;
  /** Kills what is left and removes the folder. */
  dispose(): void;
}

/**
 * A folder holding `name`, a launcher that appends its process ID to a log, then runs `real` in its place (exec: the
 * same process). The CLI finds it first on PATH (with a warning) or through `plugins.providers`, so the log counts
 * the plugin processes each command starts.
 */
export function countingLauncher(name: string, real: string): CountingLauncher {
  fs.mkdirSync(PROGRAMS_ROOT, { recursive: true });
  const binDir = fs.mkdtempSync(path.join(PROGRAMS_ROOT, "launcher-"));
  const log = path.join(binDir, "launches.log");
  fs.writeFileSync(path.join(binDir, name), `#!/bin/sh\necho "$$" >> '${log}'\nexec '${real}' "$@"\n`, {
    mode: 0o755,
  });
  const pids = () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n").map(Number) : []);
  const killAll = () => {
    for (const pid of pids()) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };
  return {
    binDir,
    launches: () => pids().length,
    killAll,
    dispose: () => {
      killAll();
      fs.rmSync(binDir, { recursive: true, force: true });
    },
  };
}

/** The SDK's dynamic-provider host launcher, counted: how many provider hosts each command starts. */
export function providerHostCounter(): CountingLauncher {
  const real = path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "pulumi-resource-pulumi-nodejs");
  return countingLauncher("pulumi-resource-pulumi-nodejs", real);
}

const engineEvent = t.partial({
  resOutputsEvent: t.partial({ metadata: t.partial({ op: t.string, type: t.string }) }),
});

/** An engine event log (`--event-log FILE`): the finished steps of CodeSigningOrder resources, in order. */
export function stepOpsFromEventLog(file: string): string[] {
  const ops: string[] = [];
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const decoded = engineEvent.decode(JSON.parse(line));
    if (isLeft(decoded)) throw new Error(`not an engine event: ${line}`);
    const metadata = decoded.right.resOutputsEvent?.metadata;
    if (metadata?.type === CODE_SIGNING_ORDER_TYPE && metadata.op) ops.push(metadata.op);
  }
  return ops;
}

/** What a command that must fail printed (stdout, then stderr); fails the test if it succeeded. */
export async function failureOutput(command: Promise<unknown>): Promise<string> {
  const outcome = await command.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(outcome, "the command was expected to fail").to.be.instanceOf(CliError);
  const { stdout, stderr } = (outcome as CliError).result;
  return `${stdout}\n${stderr}`;
}
