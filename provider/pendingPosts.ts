import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * Order POSTs sent and not answered yet, remembered on this machine's disk. A provider killed while DigiCert is still
 * storing its order writes nothing to state (the engine records only a pending create), and a `pulumi up` re-run at
 * once may look the order up before DigiCert lists it. A marker written before the POST and removed once its outcome
 * is known tells the next run to keep looking for the grace period before it orders again.
 *
 * Only a hash of the API's base URL and the alternative order ID, and the time, are written: no key, no inputs.
 * Machine-local: a re-run on another machine (another CI runner) has no marker (README: the window that remains).
 */
export interface PendingPosts {
  /** When an earlier POST under this ID went unanswered, if one did (within the last day). */
  since(alternativeOrderId: string): number | undefined;
  mark(alternativeOrderId: string, at: number): void;
  clear(alternativeOrderId: string): void;
}

const FORGET_AFTER_MS = 24 * 3_600_000;

export function pendingPostsOn(dir: string, baseUrl: string, now: () => number): PendingPosts {
  const file = (alternativeOrderId: string) =>
    path.join(dir, createHash("sha256").update(`${baseUrl}\n${alternativeOrderId}`).digest("hex"));
  return {
    since(alternativeOrderId) {
      try {
        const at = Number(fs.readFileSync(file(alternativeOrderId), "utf8"));
        return Number.isFinite(at) && now() - at < FORGET_AFTER_MS ? at : undefined;
      } catch {
        return undefined;
      }
    },
    mark(alternativeOrderId, at) {
      try {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        fs.writeFileSync(file(alternativeOrderId), String(at), { mode: 0o600 });
      } catch {
        // Best effort: without the marker, the README's window applies.
      }
    },
    clear(alternativeOrderId) {
      fs.rmSync(file(alternativeOrderId), { force: true });
    },
  };
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
  mark: () => undefined,
  clear: () => undefined,
};
