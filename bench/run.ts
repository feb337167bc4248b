/**
 * `npm run bench`: measures CodeSigningOrder against a hand-written baseline through the SDK's real
 * dynamic-provider host and the CertCentral emulator, then (where `npm run setup:pulumi` built it) through the real
 * Pulumi CLI; writes BENCHMARKS.md at the repository root and prints the summary table. Progress goes to stderr, the
 * table to stdout. Not part of `npm test`. `npm run bench -- --cli` measures and rewrites only the CLI section,
 * `npm run bench -- --key-rotation` only the key rotation's API calls.
 */
import * as fs from "fs";
import * as path from "path";
import { startEmulator } from "../emulator";
import { createProgramDir, removeProgramDir, REPO_ROOT } from "../harness/programDir";
import {
  KEY_ROTATION_SECTION_END,
  KEY_ROTATION_SECTION_START,
  machineInfo,
  renderKeyRotationSection,
  renderReport,
  renderSummary,
  Results,
  withSection,
} from "./report";
import {
  BURST,
  keyRotationInputs,
  keyRotationRun,
  lifecycleRun,
  LifecycleSample,
  rateLimitedRun,
  RateLimitedSample,
  SUSTAINED,
} from "./scenarios";
import { msSince } from "./stats";
import { cliBench, renderCliSection, withCliSection } from "./cli";
import { findPulumi } from "../scripts/lib/pulumiCli";
import { captureSubjects, Subject, SubjectKey } from "./subjects";

/** Runs per figure; every reported figure is the median of these. */
const RUNS = 3;
const SIZES = [10, 100, 1000] as const;

function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** The CLI section: measured where the CLI is built, else a line saying it was not measured and why. */
async function cliSection(): Promise<string> {
  const pulumi = findPulumi();
  if (!pulumi) {
    progress("no pulumi CLI (npm run setup:pulumi builds it): the CLI section is not measured");
    return renderCliSection(undefined);
  }
  const emulator = await startEmulator({ rateLimits: [] });
  try {
    return renderCliSection(await cliBench(pulumi, emulator, RUNS, progress));
  } finally {
    await emulator.close();
  }
}

/** The key rotation section: API calls of a new CSR on an issued order (ours only: the baseline cannot reissue). */
async function keyRotationSection(ours: Subject): Promise<string> {
  const emulator = await startEmulator({ rateLimits: [] });
  const dir = createProgramDir({ name: "bench-key-rotation" });
  try {
    const sample = await keyRotationRun(ours, emulator, dir, keyRotationInputs(ours));
    progress(
      `key rotation: ${sample.reissuePosts} reissue POST(s), ${sample.orderPosts} order POST(s), ` +
        `up ${sample.up.length} calls, refreshes ${sample.refreshAfterIssuance.length} then ${sample.steadyRefresh.length}`,
    );
    return renderKeyRotationSection(sample);
  } finally {
    await emulator.close();
    removeProgramDir(dir);
  }
}

const oursOf = (subjects: readonly Subject[]): Subject => subjects.find((s) => s.key === "ours")!;

async function main(): Promise<void> {
  const file = path.join(REPO_ROOT, "BENCHMARKS.md");
  if (process.argv.includes("--key-rotation")) {
    const section = await keyRotationSection(oursOf(await captureSubjects()));
    fs.writeFileSync(
      file,
      withSection(
        fs.readFileSync(file, "utf8"),
        KEY_ROTATION_SECTION_START,
        KEY_ROTATION_SECTION_END,
        section,
      ),
    );
    progress(`rewrote the key rotation section of ${file}`);
    return;
  }
  if (process.argv.includes("--cli")) {
    fs.writeFileSync(file, withCliSection(fs.readFileSync(file, "utf8"), await cliSection()));
    progress(`rewrote the CLI section of ${file}`);
    return;
  }
  const started = process.hrtime.bigint();
  progress("capturing __provider and inputs from bench/programs under Pulumi's mocks");
  const subjects = await captureSubjects();

  const lifecycle: Record<SubjectKey, Record<number, LifecycleSample[]>> = { ours: {}, baseline: {} };
  const rateLimited: Record<SubjectKey, RateLimitedSample[]> = { ours: [], baseline: [] };
  const dir = createProgramDir({ name: "bench" });
  const open = await startEmulator({ rateLimits: [] });
  const limited = await startEmulator({ rateLimits: [BURST, SUSTAINED] });
  try {
    for (let run = 1; run <= RUNS; run++) {
      // Ours and the baseline alternate within each run, so drift in the machine affects both alike.
      for (const n of SIZES) {
        for (const subject of subjects) {
          const t = process.hrtime.bigint();
          const sample = await lifecycleRun(subject, n, open, dir);
          (lifecycle[subject.key][n] ??= []).push(sample);
          progress(
            `run ${run}/${RUNS}: ${subject.label}, ${n} resources: ${(msSince(t) / 1000).toFixed(1)} s`,
          );
        }
      }
      for (const subject of subjects) {
        const sample = await rateLimitedRun(subject, limited, dir);
        rateLimited[subject.key].push(sample);
        progress(
          `run ${run}/${RUNS}: ${subject.label}, ${sample.resources} creates under rate limits: ` +
            `${sample.elapsedMs.toFixed(0)} ms, ${sample.failed} failed, ${sample.rejected429} × 429`,
        );
      }
    }
  } finally {
    await Promise.all([open.close(), limited.close()]);
    removeProgramDir(dir);
  }

  const results: Results = {
    runs: RUNS,
    sizes: [...SIZES],
    subjects,
    lifecycle,
    rateLimited,
    machine: machineInfo(),
    benchSeconds: msSince(started) / 1000,
  };
  const report = withSection(
    renderReport(results),
    KEY_ROTATION_SECTION_START,
    KEY_ROTATION_SECTION_END,
    await keyRotationSection(oursOf(subjects)),
  );
  fs.writeFileSync(file, withCliSection(report, await cliSection()));
  progress(`wrote ${path.relative(process.cwd(), file) || file} in ${results.benchSeconds.toFixed(0)} s`);
  process.stdout.write(renderSummary(results) + "\n");
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
