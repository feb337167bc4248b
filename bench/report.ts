/** Turns the bench's samples into BENCHMARKS.md and the summary table printed to stdout. */
import * as fs from "fs";
import * as os from "os";
import {
  BURST,
  KeyRotationSample,
  LIFECYCLE_PARALLELISM,
  LifecycleSample,
  Operation,
  OPERATIONS,
  RATE_LIMITED_ORDERS,
  RateLimitedSample,
  SUSTAINED,
} from "./scenarios";
import { fmt, max, median, mib, min, ratio } from "./stats";
import { Subject, SubjectKey } from "./subjects";

export interface Machine {
  readonly date: string;
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly totalMemoryBytes: number;
  readonly node: string;
  readonly platform: string;
  readonly pulumiSdk: string;
}

export interface Results {
  readonly runs: number;
  readonly sizes: readonly number[];
  readonly subjects: readonly Subject[];
  readonly lifecycle: Record<SubjectKey, Record<number, LifecycleSample[]>>;
  readonly rateLimited: Record<SubjectKey, RateLimitedSample[]>;
  readonly machine: Machine;
  readonly benchSeconds: number;
}

function pulumiSdkVersion(): string {
  try {
    const parsed: unknown = JSON.parse(
      fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8"),
    );
    if (
      typeof parsed === "object" &&
      parsed !== null &&
      "version" in parsed &&
      typeof parsed.version === "string"
    ) {
      return parsed.version;
    }
  } catch {
    // reported as unknown below
  }
  return "unknown";
}

export function machineInfo(): Machine {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cpuCount: cpus.length,
    totalMemoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} (${os.arch()})`,
    pulumiSdk: pulumiSdkVersion(),
  };
}

// ---- aggregation: the median of the runs for every figure ----

interface LifecycleFigures {
  readonly calls: Record<Operation, number>;
  readonly providerBytes: number;
  readonly stateBytes: number;
  readonly checkDiffMedianMs: number;
  readonly checkDiffP95Ms: number;
  readonly hostPeakMiB: number;
}

function lifecycleFigures(samples: readonly LifecycleSample[]): LifecycleFigures {
  const of = (pick: (s: LifecycleSample) => number) => median(samples.map(pick));
  const calls: Record<Operation, number> = { preview: 0, create: 0, refresh: 0, delete: 0 };
  for (const op of OPERATIONS) calls[op] = of((s) => s.callsPerResource[op]);
  return {
    calls,
    providerBytes: of((s) => s.providerBytes),
    stateBytes: of((s) => s.stateBytes),
    checkDiffMedianMs: of((s) => s.checkDiffMs.median),
    checkDiffP95Ms: of((s) => s.checkDiffMs.p95),
    hostPeakMiB: of((s) => mib(s.hostPeakBytes)),
  };
}

interface RateFigures {
  readonly runs: number;
  readonly completeRuns: number;
  readonly elapsedMs: number;
  readonly floorMs: number;
  /** Median of elapsed ÷ floor over the runs where every create succeeded; NaN if none did. */
  readonly ratio: number;
  readonly succeeded: number;
  readonly admitted: number;
  /** Worst run: the most 429s, the fewest resources with exactly one order, the most orphans. */
  readonly worst429: number;
  readonly worstWithOneOrder: number;
  readonly worstWithNoOrder: number;
  readonly worstOrphans: number;
  readonly worstPerAlternativeId: number;
  readonly firstFailure?: string;
}

function rateFigures(samples: readonly RateLimitedSample[]): RateFigures {
  const complete = samples.filter((s) => s.failed === 0 && s.floorMs > 0);
  return {
    runs: samples.length,
    completeRuns: complete.length,
    elapsedMs: median(samples.map((s) => s.elapsedMs)),
    floorMs: median(samples.map((s) => s.floorMs)),
    ratio: complete.length > 0 ? median(complete.map((s) => s.elapsedMs / s.floorMs)) : NaN,
    succeeded: median(samples.map((s) => s.succeeded)),
    admitted: median(samples.map((s) => s.admitted)),
    worst429: max(samples.map((s) => s.rejected429)),
    worstWithOneOrder: min(samples.map((s) => s.resourcesWithOneOrder)),
    worstWithNoOrder: max(samples.map((s) => s.resourcesWithNoOrder)),
    worstOrphans: max(samples.map((s) => s.orphanOrders)),
    worstPerAlternativeId: max(samples.map((s) => s.maxOrdersPerAlternativeId)),
    firstFailure: samples.find((s) => s.firstFailure !== undefined)?.firstFailure,
  };
}

// ---- rendering ----

function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly string[],
): string {
  const sep = align ?? header.map((_, i) => (i === 0 ? "---" : "---:"));
  return [header, sep, ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

const calls = (v: number) => fmt(v, Number.isInteger(v) ? 0 : 2);
const ms = (v: number) => fmt(v, 2);

function ordersPerResource(f: RateFigures, n: number): string {
  const parts = [`exactly 1 for ${fmt(f.worstWithOneOrder)} of ${fmt(n)}`];
  if (f.worstWithNoOrder > 0) parts.push(`none for ${fmt(f.worstWithNoOrder)}`);
  if (f.worstOrphans > 0) parts.push(`${fmt(f.worstOrphans)} orders in no resource's state`);
  if (f.worstPerAlternativeId > 1)
    parts.push(`up to ${f.worstPerAlternativeId} orders per alternative order ID`);
  return parts.join("; ");
}

function rateCell(f: RateFigures): string {
  if (f.completeRuns === f.runs) return `${fmt(f.ratio, 2)} (${fmt(f.elapsedMs)} ms ÷ ${fmt(f.floorMs)} ms)`;
  if (f.completeRuns === 0) {
    return `incomplete: ${fmt(RATE_LIMITED_ORDERS - f.succeeded)} of ${fmt(RATE_LIMITED_ORDERS)} creates failed (median), ${fmt(f.elapsedMs)} ms`;
  }
  return `${fmt(f.ratio, 2)} in ${f.completeRuns} of ${f.runs} runs; the others incomplete`;
}

function summaryRows(r: Results): string[][] {
  const top = Math.max(...r.sizes);
  const ours = lifecycleFigures(r.lifecycle.ours[top]);
  const base = lifecycleFigures(r.lifecycle.baseline[top]);
  const ro = rateFigures(r.rateLimited.ours);
  const rb = rateFigures(r.rateLimited.baseline);
  const goals: Record<Operation, string> = { preview: "0", create: "≤ 2", refresh: "1", delete: "≤ 2" };
  const rows: string[][] = OPERATIONS.map((op) => [
    `API calls per resource: ${op}`,
    goals[op],
    calls(ours.calls[op]),
    calls(base.calls[op]),
    ratio(ours.calls[op], base.calls[op]),
  ]);
  rows.push(
    [
      "`__provider` bytes per resource",
      "",
      fmt(ours.providerBytes),
      fmt(base.providerBytes),
      ratio(ours.providerBytes, base.providerBytes),
    ],
    [
      "State bytes per order (inputs + outputs)",
      "",
      fmt(ours.stateBytes),
      fmt(base.stateBytes),
      ratio(ours.stateBytes, base.stateBytes),
    ],
    [
      `Check + Diff per resource, median (ms, ${fmt(top)} resources)`,
      "",
      ms(ours.checkDiffMedianMs),
      ms(base.checkDiffMedianMs),
      ratio(ours.checkDiffMedianMs, base.checkDiffMedianMs),
    ],
    [
      `Check + Diff per resource, p95 (ms, ${fmt(top)} resources)`,
      "",
      ms(ours.checkDiffP95Ms),
      ms(base.checkDiffP95Ms),
      ratio(ours.checkDiffP95Ms, base.checkDiffP95Ms),
    ],
    [
      `Host peak memory (VmHWM, MiB, ${fmt(top)} resources)`,
      "",
      fmt(ours.hostPeakMiB, 1),
      fmt(base.hostPeakMiB, 1),
      ratio(ours.hostPeakMiB, base.hostPeakMiB),
    ],
    [
      `${RATE_LIMITED_ORDERS} creates under rate limits: elapsed ÷ floor`,
      "close to 1",
      rateCell(ro),
      rateCell(rb),
      "n/a",
    ],
    [
      `${RATE_LIMITED_ORDERS} creates under rate limits: 429 answers`,
      "0",
      fmt(ro.worst429),
      fmt(rb.worst429),
      "n/a",
    ],
    [
      `${RATE_LIMITED_ORDERS} creates under rate limits: orders per resource`,
      "exactly 1",
      ordersPerResource(ro, RATE_LIMITED_ORDERS),
      ordersPerResource(rb, RATE_LIMITED_ORDERS),
      "n/a",
    ],
  );
  return rows;
}

const SUMMARY_HEADER = ["Figure", "Goal", "CodeSigningOrder", "Baseline", "Ours ÷ baseline"];

export function renderSummary(r: Results): string {
  return (
    `Median of ${r.runs} runs; ${fmt(Math.max(...r.sizes))} resources unless stated.\n\n` +
    table(SUMMARY_HEADER, summaryRows(r))
  );
}

function growthTable(r: Results): string {
  const header = [
    "Resources",
    "Provider",
    "preview",
    "create",
    "refresh",
    "delete",
    "`__provider` B",
    "state B / order",
    "Check+Diff median ms",
    "Check+Diff p95 ms",
    "host peak MiB",
  ];
  const rows: string[][] = [];
  for (const n of r.sizes) {
    const ours = lifecycleFigures(r.lifecycle.ours[n]);
    const base = lifecycleFigures(r.lifecycle.baseline[n]);
    const line = (label: string, f: LifecycleFigures) => [
      fmt(n),
      label,
      ...OPERATIONS.map((op) => calls(f.calls[op])),
      fmt(f.providerBytes),
      fmt(f.stateBytes),
      ms(f.checkDiffMedianMs),
      ms(f.checkDiffP95Ms),
      fmt(f.hostPeakMiB, 1),
    ];
    rows.push(line("CodeSigningOrder", ours), line("baseline", base), [
      fmt(n),
      "ours ÷ baseline",
      ...OPERATIONS.map((op) => ratio(ours.calls[op], base.calls[op])),
      ratio(ours.providerBytes, base.providerBytes),
      ratio(ours.stateBytes, base.stateBytes),
      ratio(ours.checkDiffMedianMs, base.checkDiffMedianMs),
      ratio(ours.checkDiffP95Ms, base.checkDiffP95Ms),
      ratio(ours.hostPeakMiB, base.hostPeakMiB),
    ]);
  }
  return table(header, rows);
}

function rateTable(r: Results): string {
  const o = rateFigures(r.rateLimited.ours);
  const b = rateFigures(r.rateLimited.baseline);
  const row = (label: string, pick: (f: RateFigures) => string) => [label, pick(o), pick(b)];
  return table(
    ["", "CodeSigningOrder", "Baseline"],
    [
      row("Creates that succeeded (median)", (f) => `${fmt(f.succeeded)} of ${fmt(RATE_LIMITED_ORDERS)}`),
      row("Elapsed, first create sent to last answer (median ms)", (f) => fmt(f.elapsedMs)),
      row("Requests the emulator admitted (median)", (f) => fmt(f.admitted)),
      row("Floor for the admitted requests (ms)", (f) => fmt(f.floorMs)),
      row("Elapsed ÷ floor (median of complete runs)", rateCell),
      row("429 answers (worst run)", (f) => fmt(f.worst429)),
      row("Orders per resource (worst run)", (f) => ordersPerResource(f, RATE_LIMITED_ORDERS)),
      row("Runs where every create succeeded", (f) => `${f.completeRuns} of ${f.runs}`),
    ],
  );
}

function requestMixTable(r: Results): string {
  const top = Math.max(...r.sizes);
  const first = (key: SubjectKey) => r.lifecycle[key][top][0];
  const describe = (sample: LifecycleSample, op: Operation) => {
    const entries = Object.entries(sample.requestMix[op]);
    // The preview figure is per resource and preview (two previews ran).
    const per = op === "preview" ? sample.resources * 2 : sample.resources;
    if (entries.length === 0) return "none";
    return entries.map(([what, count]) => `\`${what}\` × ${calls(count / per)}`).join("<br>");
  };
  return table(
    ["Operation", "CodeSigningOrder", "Baseline"],
    OPERATIONS.map((op) => [op, describe(first("ours"), op), describe(first("baseline"), op)]),
    ["---", "---", "---"],
  );
}

function spreadTable(r: Results): string {
  const top = Math.max(...r.sizes);
  const rows: string[][] = [];
  const add = (figure: string, key: SubjectKey, values: number[], digits: number) =>
    rows.push([
      figure,
      key === "ours" ? "CodeSigningOrder" : "baseline",
      ...values.map((v) => fmt(v, digits)),
      fmt(median(values), digits),
    ]);
  for (const key of ["ours", "baseline"] as const) {
    const s = r.lifecycle[key][top];
    add(
      `Check + Diff median ms (${fmt(top)})`,
      key,
      s.map((x) => x.checkDiffMs.median),
      3,
    );
    add(
      `Check + Diff p95 ms (${fmt(top)})`,
      key,
      s.map((x) => x.checkDiffMs.p95),
      3,
    );
    add(
      `host peak MiB (${fmt(top)})`,
      key,
      s.map((x) => mib(x.hostPeakBytes)),
      1,
    );
    add(
      `rate-limited elapsed ms (${RATE_LIMITED_ORDERS})`,
      key,
      r.rateLimited[key].map((x) => x.elapsedMs),
      0,
    );
  }
  const runs = Array.from({ length: r.runs }, (_, i) => `run ${i + 1}`);
  return table(["Figure", "Provider", ...runs, "median"], rows);
}

export function renderReport(r: Results): string {
  const m = r.machine;
  const top = Math.max(...r.sizes);
  const baselineFailure = rateFigures(r.rateLimited.baseline).firstFailure;
  return `# Benchmarks

Generated by \`npm run bench\` (${m.date}); do not edit by hand, run the bench again. Every figure is the median of
${r.runs} runs. The bench took ${fmt(r.benchSeconds)} s after the build.

## Summary

${renderSummary(r)}

The baseline is a dynamic provider as a user would write it by hand (\`bench/programs/baselineProgram.ts\`): it
POSTs the same body with plain axios, with no validation, no diff, no idempotency and no rate limiter. Its fewer
API calls are what it skips: the lookup by alternative order ID before the POST (which keeps a retried
\`pulumi up\` from ordering twice) and the read before a cancel (which leaves issued orders alone). The baseline
has no \`check\` or \`diff\`: the host passes its Check through and answers Diff "unknown", so its Check + Diff time
is the host's and gRPC's own cost per resource, and ours over it is what validation and the diff add.

## Growth with the stack

Figures at ${r.sizes.map((n) => fmt(n)).join(", ")} resources (API calls are per resource).

${growthTable(r)}

## Creating ${RATE_LIMITED_ORDERS} orders under DigiCert's rate limits

${rateTable(r)}
${baselineFailure === undefined ? "" : `\nThe baseline's failed creates answered: \`${baselineFailure.replace(/`/g, "'")}\`\n`}
## Requests per operation, as the emulator saw them

Per resource, at ${fmt(top)} resources (run 1). \`{id}\` stands for an order or request ID.

${requestMixTable(r)}

## Spread across runs

${spreadTable(r)}

## Method

- **Command**: \`npm run bench\` (\`npm run build && node dist/bench/run.js\`). It writes this file and prints the
  summary table; it is not part of \`npm test\`.
- **What runs**: the SDK's own dynamic-provider host (\`@pulumi/pulumi/cmd/dynamic-provider\`, ${m.pulumiSdk}),
  started as a child process in a folder laid out like a user's program (\`createProgramDir\`: the package under
  \`node_modules/<name>\`) and driven over gRPC the way the engine drives it (\`harness/providerHost.ts\`:
  Configure, Check, Diff, Create, Read in refresh form, Delete; secrets stripped from CRUD payloads). Requests go to
  the CertCentral emulator (\`emulator/\`) on 127.0.0.1, in the bench's own process, which records every API request.
- **Inputs**: DigiCert's own example order (\`code_signing_ev\`, ship_token, existing organization;
  \`bench/programs/sample.ts\`). The \`__provider\` text and inputs are captured from real programs under Pulumi's
  mocks (\`bench/programs/orderProgram.ts\`, \`bench/programs/baselineProgram.ts\`, \`captureRegistrations\`); each
  registers two resources, and the bench checks their \`__provider\` texts are identical and that \`resourceKey\` is
  \`<project>/<stack>/<name>\`. N resources are made by changing the name (and so the URN and \`resourceKey\`), as
  a loop in a program would. The bench checks that the emulator received the same body from both providers (ours
  adds only \`alternative_order_id\`).
- **Stack configuration**: ours gets \`digicert:apiKey\` (secret), \`digicert:baseUrl\` (the emulator) and
  \`digicert:rateLimits\` at Configure; the baseline reads \`DIGICERT_API_KEY\` and \`DIGICERT_BASE_URL\` from the
  host's environment at call time.
- **Lifecycle (each N, each provider, each run)**: a fresh host; (1) preview of the new stack: Check per resource;
  (2) \`up\`: Create, ${LIFECYCLE_PARALLELISM} in flight; (3) preview of the unchanged stack: Check (old inputs, new
  inputs) then Diff (old outputs), one resource after the other as the engine's step generator calls them; (4)
  \`refresh\`: Read with the old outputs and inputs, ${LIFECYCLE_PARALLELISM} in flight; (5) \`destroy\`: Delete with
  the refreshed outputs, ${LIFECYCLE_PARALLELISM} in flight. Neither emulator nor provider limits rates here
  (\`rateLimits: []\` on both sides), so the figures are the providers' own cost.
- **API calls per operation**: requests recorded by the emulator during the operation ÷ N (the log is cleared
  between operations). *preview* counts both previews, per resource and preview.
- **Bytes**: \`__provider\` is the UTF-8 length of the serialized provider text (the same for every resource; state
  holds it twice, in inputs and outputs). *State per order* is the UTF-8 length of
  \`JSON.stringify({inputs, outputs})\` after refresh (the median over the resources): what the engine keeps for the
  resource besides its URN, type and bookkeeping. The engine stores secret outputs (ours: \`shipInfo\`,
  \`customFields\`) encrypted, which a real state file would make somewhat larger; this figure counts them as plain
  JSON.
- **Check + Diff time**: \`process.hrtime.bigint()\` around the two gRPC calls for each resource in step (3), as the
  engine's client sees them; the median and p95 (nearest rank) over the N resources, then the median over runs.
  Each host is fresh, as in a real \`pulumi preview\`, so at small N the times include its warm-up (modules loading,
  code not yet optimized); the bench's client and emulator share the machine's cores with the host.
- **Peak memory**: \`VmHWM\` (peak resident set) of the host process from \`/proc/<pid>/status\`, read after the
  last Delete, so it covers the whole lifecycle of N resources.
- **Rate limits**: DigiCert allows 100 requests per 5 s and 1,000 per 5 minutes per API key. Scaled down 10× in
  time, so a run takes seconds with the same shape: ${BURST.limit} per ${BURST.windowMs} ms and ${fmt(SUSTAINED.limit)}
  per ${SUSTAINED.windowMs / 1000} s, set identically in the emulator (which answers 429 beyond them) and in ours'
  \`digicert:rateLimits\`. ${RATE_LIMITED_ORDERS} resources are checked, then all ${RATE_LIMITED_ORDERS} Creates are
  sent at once through one fresh host; elapsed runs from the first Create sent to the last answer. The floor is
  \`(ceil(admitted requests / ${BURST.limit}) - 1) × ${BURST.windowMs} ms\`: the last of them cannot be admitted
  earlier. Orders per resource compare the emulator's orders with the IDs the Creates returned. The correctness
  figures (429s, orders per resource) are the worst of the runs, not the median. The baseline has no limiter and
  no retries: its creates beyond the first window fail with DigiCert's 429, and a user would have to run
  \`pulumi up\` again.
- **Medians**: ${r.runs} runs, ours and the baseline alternating within each run.

## Machine

| | |
|---|---|
| Date | ${m.date} |
| CPU | ${m.cpuModel} × ${m.cpuCount} |
| Memory | ${fmt(mib(m.totalMemoryBytes) / 1024, 1)} GiB |
| Node.js | ${m.node} |
| Platform | ${m.platform} |
| \`@pulumi/pulumi\` | ${m.pulumiSdk} |
| Bench wall time (after the build) | ${fmt(r.benchSeconds)} s |
`;
}

export const KEY_ROTATION_SECTION_START = "<!-- key-rotation:start -->";
export const KEY_ROTATION_SECTION_END = "<!-- key-rotation:end -->";

/** The key rotation section, between markers so that `npm run bench -- --key-rotation` can replace it alone. */
export function renderKeyRotationSection(s: KeyRotationSample): string {
  const calls = (list: readonly string[]) =>
    list.length === 0 ? "none" : list.map((c) => `\`${c}\``).join(", ");
  return [
    KEY_ROTATION_SECTION_START,
    "## Key rotation: API calls",
    "",
    "A new CSR on an issued three-year OV order (key in an HSM), through the SDK's provider host against the",
    "emulator (`keyRotationRun` in bench/scenarios.ts): preview, up, DigiCert issues the reissue, refresh, refresh.",
    "",
    "| Figure | Goal | Measured |",
    "| --- | ---: | ---: |",
    `| reissue POSTs | 1 | ${s.reissuePosts} |`,
    `| order POSTs (new, paid orders) | 0 | ${s.orderPosts} |`,
    `| API calls: preview (Check + Diff) | 0 | ${s.preview.length} |`,
    `| API calls: up (Check + Diff + Update) | 2 | ${s.up.length} |`,
    `| API calls: first refresh after issuance | 2 | ${s.refreshAfterIssuance.length} |`,
    `| API calls: refresh after that | 1 | ${s.steadyRefresh.length} |`,
    `| the reissued certificate and its PEM in the outputs | yes | ${s.newCertificateInOutputs ? "yes" : "no"} |`,
    "",
    `- up: ${calls(s.up)}`,
    `- first refresh after issuance: ${calls(s.refreshAfterIssuance)}`,
    `- refresh after that: ${calls(s.steadyRefresh)}`,
    "",
    KEY_ROTATION_SECTION_END,
  ].join("\n");
}

/** `report` with the section between `start` and `end` replaced by `section` (or appended). */
export function withSection(report: string, start: string, end: string, section: string): string {
  const from = report.indexOf(start);
  const to = report.indexOf(end);
  if (from >= 0 && to > from) return report.slice(0, from) + section + report.slice(to + end.length);
  return `${report.trimEnd()}\n\n${section}\n`;
}
