import * as fs from "fs";

/**
 * What a provider process needs from the operating system, whichever front door runs it: reading /proc, noticing
 * that the CLI which launched it is gone, and writing lines that a closed pipe cannot turn into a crash.
 */

/** Field `n` of /proc/<pid>/stat, numbered as proc(5) numbers them; undefined where /proc is not there. */
function procStatField(pid: number, n: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name (which may hold spaces and parentheses) start at field 3.
    const field = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[n - 3];
    return /^\d+$/.test(field ?? "") ? Number(field) : undefined;
  } catch {
    return undefined;
  }
}

/** A process's start, in clock ticks since boot (field 22). */
export function processStartTicks(pid: number): number | undefined {
  return procStatField(pid, 22);
}

/** A process's parent (field 4). */
function parentOf(pid: number): number | undefined {
  return procStatField(pid, 4);
}

const PARENT_CHECK_MS = 1000;

/**
 * Calls `onGone` once the process that launched this one is gone (the CLI killed with kill -9, or a second Ctrl-C):
 * the parent is re-parented away, and with `levels` 2 the parent's parent too, where /proc tells it (a shell
 * launcher in between outlives the CLI: the process's own parent never changes then). Checked every second; the
 * timer does not keep the process alive.
 */
export function whenLauncherGone(levels: 1 | 2, onGone: () => void): void {
  const lineage = () =>
    levels === 1 ? `${process.ppid}` : `${process.ppid}/${parentOf(process.ppid) ?? "?"}`;
  const first = lineage();
  const timer = setInterval(() => {
    if (lineage() === first) return;
    clearInterval(timer);
    onGone();
  }, PARENT_CHECK_MS);
  timer.unref();
}

let pipesGuarded = false;

/**
 * Lines nobody can read any more (the CLI killed, its pipes closed) are dropped: a write to a closed pipe must not
 * become an uncaught EPIPE, which ends a process mid-POST, or, in the SDK's dynamic host, whose uncaught-error
 * handler writes to the dead pipes again, loops for ever.
 */
export function ignoreClosedPipes(): void {
  if (pipesGuarded) return;
  pipesGuarded = true;
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
}

/** A progress line on stdout (the engine shows a provider's stdout), dropped once nobody reads it. */
export function stdoutLine(line: string): void {
  ignoreClosedPipes();
  process.stdout.write(`${line}\n`);
}
