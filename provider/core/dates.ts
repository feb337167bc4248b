/**
 * Dates in DigiCert's formats. Users may write an expiration date as `YYYY-MM-DD` or as DigiCert's documented
 * `DD MMM YYYY`; the order body always carries `DD MMM YYYY` (e.g. "09 JUN 2025").
 */
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] as const;

export interface CalendarDate {
  readonly year: number;
  readonly month: number; // 1-12
  readonly day: number;
}

export function parseExpirationDate(text: string): CalendarDate | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (iso) return validDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const dmy = /^(\d{1,2}) ([A-Za-z]{3}) (\d{4})$/.exec(text.trim());
  if (dmy) {
    const month = MONTHS.indexOf(dmy[2]!.toUpperCase() as (typeof MONTHS)[number]) + 1;
    if (month === 0) return undefined;
    return validDate(Number(dmy[3]), month, Number(dmy[1]));
  }
  return undefined;
}

function validDate(year: number, month: number, day: number): CalendarDate | undefined {
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    return undefined;
  }
  return { year, month, day };
}

/** DigiCert's `DD MMM YYYY`. */
export function formatDigiCertDate(date: CalendarDate): string {
  return `${String(date.day).padStart(2, "0")} ${MONTHS[date.month - 1]} ${date.year}`;
}

/** Milliseconds since the epoch at 00:00 UTC of the date. */
export function toEpochMs(date: CalendarDate): number {
  return Date.UTC(date.year, date.month - 1, date.day);
}

/** Parses DigiCert's `yyyy-MM-dd` (or a full ISO timestamp) from API responses into epoch ms. */
export function parseApiDate(text: string): number | undefined {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

export const DAY_MS = 86_400_000;

/** A certificate valid till `validTill` (DigiCert's `yyyy-MM-dd`, valid through that day) has expired by `now`. */
export function certificateExpired(validTill: string | undefined, now: number): boolean {
  const till = validTill === undefined ? undefined : parseApiDate(validTill);
  return till !== undefined && now >= till + DAY_MS;
}
