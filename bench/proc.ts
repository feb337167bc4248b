/** Peak memory of the provider host (its pid from ProviderHost), read from Linux's /proc. */
import * as fs from "fs";

function readOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined; // the process exited while the table was read
  }
}

/** A memory figure of /proc/<pid>/status (VmHWM: peak resident set) in bytes. */
export function procStatusBytes(pid: number, field: "VmHWM" | "VmRSS"): number {
  const text = readOrUndefined(`/proc/${pid}/status`);
  if (text === undefined) throw new Error(`/proc/${pid}/status is not readable: did the host exit?`);
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, "m").exec(text);
  if (!match) throw new Error(`no ${field} line in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}
