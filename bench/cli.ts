/**
 * The real Pulumi CLI's view: wall time of `pulumi preview` and `pulumi up` for stacks of 1, 10 and 100 orders, ours
 * (the dynamic resource, and the same orders on the provider plugin) against the hand-written baseline, each on its
 * own throwaway stack (local backend, emulator without rate limits), and the provider host's own share: its start-up
 * and the loading of each provider's modules. `up` is also set against its floor: the baseline's time plus the waits
 * DigiCert's 100-requests-per-5-s window imposes on the requests the subject made, which the baseline ignores.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Emulator } from "../emulator";
import { createProgramDir, removeProgramDir, REPO_ROOT } from "../harness/programDir";
import { CliStack } from "../scripts/lib/pulumiCli";
import { API_KEY, SubjectKey } from "./subjects";
import { median, msSince } from "./stats";
import { DIGICERT_RATE_WINDOWS } from "../provider/client/rateLimiter";

export const CLI_SIZES = [1, 10, 100] as const;
/** Previews per stack (and figure): their median is the sample. */
const PREVIEWS_PER_STACK = 3;

export interface CliSample {
  readonly previewMs: number;
  readonly upMs: number;
  /** API calls `up` made (each order's look-up and POST for ours; one POST for the baseline). */
  readonly upRequests: number;
}

/** The two front doors of this package, and the hand-written baseline. */
export type CliSubject = SubjectKey | "plugin";
const CLI_SUBJECTS: readonly CliSubject[] = ["ours", "plugin", "baseline"];

/** DigiCert's burst window, as the client keeps it (100 per 5 s): R requests wait (ceil(R/100) - 1) windows. */
const BURST_WINDOW = DIGICERT_RATE_WINDOWS[0]!;
export function windowWaitMs(requests: number): number {
  return Math.max(0, Math.ceil(requests / BURST_WINDOW.limit) - 1) * BURST_WINDOW.windowMs;
}

export interface CliResults {
  readonly pulumiVersion: string;
  readonly runs: number;
  /** subject → stack size → one sample per run. */
  readonly samples: Record<CliSubject, Record<number, CliSample[]>>;
  /** Spawn of the SDK's dynamic-provider host until it prints its port, per run. */
  readonly hostStartMs: number[];
  /** A fresh Node.js process requiring each provider's implementation (ours: the package's provider; baseline: axios). */
  readonly loadMs: Record<SubjectKey, number[]>;
  /** The machine's 1-minute load average at the start and the end: other work on the cores skews wall times. */
  readonly loadAverage: readonly [number, number];
}

const PROGRAM_MODULES: Record<CliSubject, string> = {
  ours: path.join(__dirname, "programs", "orderProgram.js"),
  plugin: path.join(__dirname, "programs", "pluginProgram.js"),
  baseline: path.join(__dirname, "programs", "baselineProgram.js"),
};

/** A program folder whose index.js declares `bench:count` orders of one subject. */
function programFor(subject: CliSubject): () => string {
  return () => {
    const dir = createProgramDir({ name: `bench-cli-${subject}` });
    if (subject === "plugin") {
      // The plugin from this checkout, as examples/yaml and examples/go find it.
      const launchers = path.join(REPO_ROOT, "bin");
      fs.appendFileSync(
        path.join(dir, "Pulumi.yaml"),
        `plugins:\n  providers:\n    - name: digicert\n      path: ${launchers}\n`,
      );
    }
    fs.writeFileSync(
      path.join(dir, "index.js"),
      [
        'const pulumi = require("@pulumi/pulumi");',
        'const count = new pulumi.Config("bench").requireNumber("count");',
        "const names = Array.from({ length: count }, (_, i) => `order-${i}`);",
        `require(${JSON.stringify(PROGRAM_MODULES[subject])}).declareOrders(names);`,
        "",
      ].join("\n"),
    );
    return dir;
  };
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return msSince(started);
}

async function sample(
  pulumi: string,
  subject: CliSubject,
  count: number,
  run: number,
  emulator: Emulator,
): Promise<CliSample> {
  const stack = await CliStack.create(pulumi, {
    baseUrl: emulator.baseUrl,
    apiKey: API_KEY,
    // A stack name of its own: the same project, stack and resource name is the same resource to the provider,
    // which would adopt the live order an earlier (undestroyed) sample placed instead of ordering.
    stack: `bench-${count}-${run}`,
    programDir: programFor(subject),
    // The baseline reads its endpoint and key from the host's environment at call time.
    env: { DIGICERT_BASE_URL: emulator.baseUrl, DIGICERT_API_KEY: API_KEY },
    timeoutMs: 600_000,
  });
  try {
    await stack.setConfig("bench:count", String(count));
    const ordersBefore = emulator.orders().length;
    // Previews change nothing: several on one stack, their median, steady the figure on a busy machine.
    const previews: number[] = [];
    for (let i = 0; i < PREVIEWS_PER_STACK; i++)
      previews.push(await timed(() => stack.run(["preview"], { quiet: true })));
    const previewMs = median(previews);
    // Counted through the emulator's log and what it dropped to stay within its size (1000 by default).
    const requestsSoFar = () => emulator.requests().length + emulator.droppedRequests();
    const requestsBefore = requestsSoFar();
    const upMs = await timed(() => stack.run(["up", "--yes", "--skip-preview"], { quiet: true }));
    const upRequests = requestsSoFar() - requestsBefore;
    const placed = emulator.orders().length - ordersBefore;
    if (placed !== count) throw new Error(`${subject}, ${count} orders: the emulator stored ${placed}`);
    return { previewMs, upMs, upRequests };
  } finally {
    stack.dispose();
  }
}

/** Spawn of the SDK's dynamic-provider host (in a program folder, as the CLI runs it) until it prints its port. */
function hostStart(dir: string): Promise<number> {
  const script = path.join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js");
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, "127.0.0.1:1"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "ignore"],
    });
    child.stdout.once("data", () => {
      const ms = msSince(started);
      child.kill("SIGKILL");
      resolve(ms);
    });
    child.once("error", reject);
  });
}

/** A fresh Node.js process, in a program folder, timing `require(moduleName)`. */
function loadTime(dir: string, moduleName: string): number {
  const code = `const t=process.hrtime.bigint();require(${JSON.stringify(moduleName)});console.log(Number(process.hrtime.bigint()-t)/1e6)`;
  const result = spawnSync(process.execPath, ["-e", code], { cwd: dir, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`loading ${moduleName} failed: ${result.stderr}`);
  return Number(result.stdout.trim());
}

export async function cliBench(
  pulumi: string,
  emulator: Emulator,
  runs: number,
  progress: (line: string) => void,
): Promise<CliResults> {
  const versionHome = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-home-"));
  const version = spawnSync(pulumi, ["version"], {
    encoding: "utf8",
    env: { ...process.env, PULUMI_HOME: versionHome, PULUMI_SKIP_UPDATE_CHECK: "true" },
  }).stdout.trim();
  fs.rmSync(versionHome, { recursive: true, force: true });
  const loadAtStart = os.loadavg()[0];
  const samples: CliResults["samples"] = { ours: {}, plugin: {}, baseline: {} };
  const hostStartMs: number[] = [];
  const loadMs: CliResults["loadMs"] = { ours: [], baseline: [] };
  const dir = createProgramDir({ name: "bench-host" });
  try {
    for (let run = 1; run <= runs; run++) {
      hostStartMs.push(await hostStart(dir));
      loadMs.ours.push(loadTime(dir, "pulumi-digicert-code-signing/provider"));
      loadMs.baseline.push(loadTime(dir, "axios"));
      for (const count of CLI_SIZES) {
        // The subjects alternate, so drift in the machine affects them alike.
        for (const subject of CLI_SUBJECTS) {
          const s = await sample(pulumi, subject, count, run, emulator);
          (samples[subject][count] ??= []).push(s);
          progress(
            `cli run ${run}/${runs}: ${subject}, ${count} orders: preview ${(s.previewMs / 1000).toFixed(1)} s, ` +
              `up ${(s.upMs / 1000).toFixed(1)} s`,
          );
        }
      }
    }
  } finally {
    removeProgramDir(dir);
  }
  return {
    pulumiVersion: version,
    runs,
    samples,
    hostStartMs,
    loadMs,
    loadAverage: [loadAtStart, os.loadavg()[0]],
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The BENCHMARKS.md section, between markers so that `npm run bench -- --cli` can replace it alone. */
export function renderCliSection(r: CliResults | undefined): string {
  if (!r) {
    return [
      CLI_SECTION_START,
      "## The real Pulumi CLI: preview and up",
      "",
      "Not measured in this run: the CLI was not built (`npm run setup:pulumi`) nor on PATH.",
      "",
      CLI_SECTION_END,
    ].join("\n");
  }
  const med = (subject: CliSubject, n: number, key: keyof CliSample) =>
    median(r.samples[subject][n].map((s) => s[key]));
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  const previewRows = CLI_SIZES.map((n) => {
    const [ours, plugin, base] = CLI_SUBJECTS.map((subject) => med(subject, n, "previewMs"));
    return `| ${n} | ${seconds(ours!)} | ${ratio(ours!, base!)} | ${seconds(plugin!)} | ${ratio(plugin!, base!)} | ${seconds(base!)} |`;
  });
  // The floor: the baseline's up plus the waits DigiCert's window imposes on the requests a subject makes.
  const upRows = CLI_SIZES.map((n) => {
    const base = med("baseline", n, "upMs");
    const cells = (["ours", "plugin"] as const).map((subject) => {
      const up = med(subject, n, "upMs");
      const requests = med(subject, n, "upRequests");
      const floor = base + windowWaitMs(requests);
      return `${seconds(up)} | ${requests} | ${seconds(floor)} | ${ratio(up, floor)}`;
    });
    return `| ${n} | ${cells.join(" | ")} | ${seconds(base)} |`;
  });
  return [
    CLI_SECTION_START,
    "## The real Pulumi CLI: preview and up",
    "",
    `\`pulumi\` ${r.pulumiVersion} (built from Go modules by \`npm run setup:pulumi\`), local file backend, the emulator`,
    "without rate limits; a fresh stack per figure. Median of " +
      `${r.runs} runs (each preview figure itself the median of ${PREVIEWS_PER_STACK} previews of its stack). Dynamic = \`CodeSigningOrder\` (the dynamic resource); plugin = the same orders as`,
    "`digicert:index:CodeSigningOrder` on pulumi-resource-digicert, from the same Node.js program; baseline = the",
    "hand-written provider of bench/programs/baselineProgram.ts. Ratios are against the baseline (preview) and the floor (up).",
    "Each command includes the CLI's own start, the Node.js language host running the program, and one provider.",
    `Load average (1 min) at the start and the end: ${r.loadAverage[0].toFixed(1)} and ${r.loadAverage[1].toFixed(1)} ` +
      `on ${os.cpus().length} cores; above the core count, other work skewed the wall times (the subjects alternate, so all alike).`,
    "",
    "`pulumi preview` (no API call on any side):",
    "",
    "| orders | dynamic | ratio | plugin | ratio | baseline |",
    "| --- | --- | --- | --- | --- | --- |",
    ...previewRows,
    "",
    "`pulumi up`: the floor is the baseline's time plus DigiCert's 100-requests-per-5-s window's waits for the requests",
    "the subject made (`(ceil(requests / 100) - 1) × 5 s`), which the baseline ignores (it sends one POST per order",
    "and no look-up, so it would be throttled by DigiCert past 100 orders):",
    "",
    "| orders | dynamic | requests | floor | ratio | plugin | requests | floor | ratio | baseline |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...upRows,
    "",
    "Ours sends two requests per order (the look-up by alternative order ID, so an order is never placed twice, then the",
    "POST) and keeps DigiCert's window. No look-up can serve several creates at once: the order list",
    "(`GET /order/certificate`) has no alternative-order-ID filter and its summaries do not carry the field",
    "(certcentral-api.md §4), so each create asks `GET /order/alternate/{id}` for its own.",
    "",
    "The provider host's share of each command (once per command, whatever the number of orders):",
    "",
    `- start-up of the SDK's dynamic-provider host until it listens: ${seconds(median(r.hostStartMs))}`,
    `- loading the implementation in a fresh process: ours (\`pulumi-digicert-code-signing/provider\`: io-ts, fp-ts, axios) ` +
      `${seconds(median(r.loadMs.ours))}, baseline (axios) ${seconds(median(r.loadMs.baseline))}`,
    "",
    CLI_SECTION_END,
  ].join("\n");
}

export const CLI_SECTION_START = "<!-- cli-bench:start -->";
export const CLI_SECTION_END = "<!-- cli-bench:end -->";

/** BENCHMARKS.md with its CLI section replaced (or appended). */
export function withCliSection(report: string, section: string): string {
  const start = report.indexOf(CLI_SECTION_START);
  const end = report.indexOf(CLI_SECTION_END);
  if (start >= 0 && end > start)
    return report.slice(0, start) + section + report.slice(end + CLI_SECTION_END.length);
  return `${report.trimEnd()}\n\n${section}\n`;
}
