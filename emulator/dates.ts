/**
 * Date arithmetic and DigiCert's date formats, all in UTC so answers do not depend on the host's time zone.
 */

export const DAY_MS = 86_400_000;

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

const pad = (value: number, width = 2): string => String(value).padStart(width, "0");

/** "2026-03-02T16:20:11+00:00", the timestamp format of Order info. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

/** "2026-03-02" (yyyy-MM-dd), the format of valid_from / valid_till. */
export function formatDay(ms: number): string {
  const date = new Date(ms);
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

export function startOfDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** The UTC midnight of a real calendar date, or undefined (rejects 2026-02-30 rather than rolling over). */
function calendarDay(year: number, monthIndex: number, day: number): number | undefined {
  const ms = Date.UTC(year, monthIndex, day);
  const date = new Date(ms);
  const matches =
    date.getUTCFullYear() === year && date.getUTCMonth() === monthIndex && date.getUTCDate() === day;
  return matches ? ms : undefined;
}

/** Parses "yyyy-MM-dd". */
export function parseDay(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  return calendarDay(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

/** Parses DigiCert's order_validity.custom_expiration_date format "dd MMM yyyy", e.g. "09 JUN 2025". */
export function parseDayMonthYear(text: string): number | undefined {
  const match = /^(\d{1,2}) ([A-Za-z]{3}) (\d{4})$/.exec(text.trim());
  if (!match) return undefined;
  const monthIndex = MONTHS.indexOf(match[2].toUpperCase());
  if (monthIndex < 0) return undefined;
  return calendarDay(Number(match[3]), monthIndex, Number(match[1]));
}

export function addDays(ms: number, days: number): number {
  return ms + days * DAY_MS;
}

/** Same day and month `years` later; 29 Feb becomes 28 Feb in a non-leap year. */
export function addYears(ms: number, years: number): number {
  const date = new Date(ms);
  const year = date.getUTCFullYear() + years;
  const month = date.getUTCMonth();
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay));
}
