import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { processStartTicks } from "./processLife";

/**
 * POSTs (orders, reissues) sent and not answered yet, remembered on this machine's disk. A provider killed while DigiCert is still
 * storing its order writes nothing to state (the engine records only a pending create), and a `pulumi up` re-run at
 * once may look the order up before DigiCert lists it. A marker written before the POST and removed once its outcome
 * is known tells the next run to keep looking for the grace period before it orders again.
 *
 * Only a hash of the API's base URL and the subject (what was sent, for which resource), the time and the writer's
 * process ID are written: no key, no inputs. Machine-local: a re-run on another machine (another CI runner) has no
 * marker (docs: the window that remains). Every operation is best effort: a marker that cannot be written, read or
 * removed leaves that window, never fails the operation it guards.
 */
export interface PendingPosts {
  /** When an earlier request for this subject went unanswered and its process is gone, if so (within a day). */
  since(subject: string): number | undefined;
  /**
   * The process ID of another process still running with this subject's request in flight, if any: an earlier run
   * whose CLI was killed while its provider waits for DigiCert's answer (the engine's lock keeps two live runs of
   * one stack apart otherwise).
   */
  inFlightElsewhere(subject: string): number | undefined;
  mark(subject: string, at: number): void;
  clear(subject: string): void;
}

/**
 * An order POST's subject: the resource and the alternative order ID it sent. Two stacks (or resources) sharing your
 * own alternativeOrderId are different subjects: one's POST in flight is not the other's killed one.
 */
export function orderPostSubject(resourceKey: string, alternativeOrderId: string): string {
  return `order\n${resourceKey}\n${alternativeOrderId}`;
}

/** A reissue request's subject: the order it reissues. */
export function reissuePostSubject(orderId: number): string {
  return `reissue\n${orderId}`;
}

const FORGET_AFTER_MS = 24 * 3_600_000;
/** `<time> <pid> <the pid's start in clock ticks since boot>`; older markers lack the third field. */
const MARKER = /^(\d+) (\d+)(?: (\d+))?$/;
/** Linux's USER_HZ, the unit of /proc/<pid>/stat's start time, on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;
/** How long after its own start a process can have written a marker at the earliest: clock granularity. */
const START_SLACK_MS = 2_000;

interface Marker {
  readonly at: number;
  readonly pid: number;
  readonly startTicks?: number;
}

export function pendingPostsOn(dir: string, baseUrl: string, now: () => number): PendingPosts {
  const file = (subject: string) =>
    path.join(dir, createHash("sha256").update(`${baseUrl}\n${subject}`).digest("hex"));
  const read = (subject: string): Marker | undefined => {
    try {
      const match = MARKER.exec(fs.readFileSync(file(subject), "utf8").trim());
      if (!match) return undefined;
      const [at, pid] = [Number(match[1]), Number(match[2])];
      const startTicks = match[3] === undefined ? undefined : Number(match[3]);
      return now() - at < FORGET_AFTER_MS ? { at, pid, startTicks } : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    since(subject) {
      const marker = read(subject);
      // A writer still running is not a killed run: its request is in flight (or it is this very process).
      if (marker === undefined || otherWriterRuns(marker)) return undefined;
      return marker.at;
    },
    inFlightElsewhere(subject) {
      const marker = read(subject);
      return marker !== undefined && otherWriterRuns(marker) ? marker.pid : undefined;
    },
    mark(subject, at) {
      try {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        const start = processStartTicks(process.pid);
        fs.writeFileSync(file(subject), `${at} ${process.pid}${start === undefined ? "" : ` ${start}`}`, {
          mode: 0o600,
        });
      } catch {
        // Best effort: without the marker, the documented window applies.
      }
    },
    clear(subject) {
      try {
        fs.rmSync(file(subject), { force: true });
      } catch {
        // Best effort: a marker left behind makes the next run look for the grace period first, nothing worse.
      }
    },
  };
}

/**
 * Another process wrote the marker and still runs: its PID is alive and is that process, not a later one given the
 * PID again (markers live for a day). Told by the start time the marker recorded, or, for an older marker without one, by the
 * process having started before the marker was written. Where /proc is not there, a live PID is taken as the writer.
 */
function otherWriterRuns(marker: Marker): boolean {
  if (marker.pid === process.pid) return false;
  if (!isAlive(marker.pid)) return false;
  const start = processStartTicks(marker.pid);
  if (start === undefined) return true;
  if (marker.startTicks !== undefined) return start === marker.startTicks;
  const bootMs = bootTimeMs();
  return bootMs === undefined || bootMs + (start * 1000) / TICKS_PER_SECOND <= marker.at + START_SLACK_MS;
}

function bootTimeMs(): number | undefined {
  try {
    const match = /^btime (\d+)$/m.exec(fs.readFileSync("/proc/stat", "utf8"));
    return match ? Number(match[1]) * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by another user.
    return error instanceof Error && "code" in error && error.code === "EPERM";
  }
}

/** Where the markers live: DIGICERT_PENDING_DIR, or a folder of this user's in the system's temporary folder. */
export function pendingPostsDir(env: NodeJS.ProcessEnv): string {
  return (
    env.DIGICERT_PENDING_DIR ||
    path.join(
      os.tmpdir(),
      `pulumi-digicert-code-signing-${typeof process.getuid === "function" ? process.getuid() : "user"}`,
      "pending-posts",
    )
  );
}

/** Remembers nothing: for tests that do not exercise it. */
export const noPendingPosts: PendingPosts = {
  since: () => undefined,
  inFlightElsewhere: () => undefined,
  mark: () => undefined,
  clear: () => undefined,
};
