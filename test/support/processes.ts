/** What the suites that start and kill processes share: waiting on a condition, liveness, a child's first line. */
import { ChildProcess } from "child_process";

/**
 * Resolves once `condition` holds, checking every 20 ms (the world is driven, never slept on for correctness);
 * fails after `timeoutMs`, naming what it waited for.
 */
export async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The first match of `pattern` in what a process just started writes to stdout; fails if it exits first. */
export function stdoutMatch(child: ChildProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let text = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const match = text.match(pattern);
      if (match) resolve(match);
    });
    child.on("exit", (code) => reject(new Error(`exited (${code}) before printing ${pattern}: ${text}`)));
  });
}
