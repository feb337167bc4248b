/** Console output of the demo: a heading per step, aligned `key  value` lines, and the API calls of a step. */
import type { RecordedRequest } from "../../emulator";

const KEY_WIDTH = 16;
const RULE_WIDTH = 78;

export function heading(title: string): void {
  console.log(`\n== ${title} ${"=".repeat(Math.max(3, RULE_WIDTH - title.length - 4))}`);
}

/** `  key             value`; a multi-line value continues under the value column. */
export function kv(key: string, value: unknown): void {
  const [first, ...rest] = show(value).split("\n");
  console.log(`  ${key.padEnd(KEY_WIDTH)}${first}`);
  for (const line of rest) console.log(`  ${" ".repeat(KEY_WIDTH)}${line}`);
}

/** Method, path (and query), status: what reached the API. Headers, where the key travels, are never shown. */
export function apiCalls(calls: readonly RecordedRequest[]): void {
  if (calls.length === 0) {
    kv("API calls", "none");
    return;
  }
  kv(
    "API calls",
    calls
      .map((call) => {
        const query = Object.entries(call.query)
          .map(([k, v]) => `${k}=${v}`)
          .join("&");
        return `${call.method.padEnd(6)} ${call.path}${query ? `?${query}` : ""}  -> ${call.status}`;
      })
      .join("\n"),
  );
}

export function show(value: unknown): string {
  if (value === undefined) return "-";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}
