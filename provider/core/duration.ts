/** Durations written as in Pulumi's customTimeouts and Go: "90s", "30m", "2h", "1h30m", "500ms". */
const DURATION = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;

export function parseDurationMs(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim() === "") return undefined;
  const [, h, m, s, ms] = match;
  if (h === undefined && m === undefined && s === undefined && ms === undefined) return undefined;
  return Number(h ?? 0) * 3_600_000 + Number(m ?? 0) * 60_000 + Number(s ?? 0) * 1000 + Number(ms ?? 0);
}

export function isValidDuration(text: string): boolean {
  const ms = parseDurationMs(text);
  return ms !== undefined && ms > 0;
}
