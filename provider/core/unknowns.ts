/**
 * During `pulumi preview` an input whose value is not known yet (an Output of another resource) reaches the
 * provider as this literal string. Validation must never reject it, and diff must treat it as "may change".
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** The paths (`a.b`, `list[0].c`) at which the value holds the unknown sentinel. */
export function unknownPaths(value: unknown, prefix = ""): string[] {
  if (isUnknown(value)) return [prefix];
  if (Array.isArray(value)) return value.flatMap((item, i) => unknownPaths(item, `${prefix}[${i}]`));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, item]) =>
      unknownPaths(item, prefix === "" ? key : `${prefix}.${key}`),
    );
  }
  return [];
}

/** True when `path` is at, under, or above one of the unknown paths: its validity cannot be judged yet. */
export function touchesUnknown(path: string, unknown: readonly string[]): boolean {
  return unknown.some((u) => u === "" || path === u || isUnder(path, u) || isUnder(u, path));
}

function isUnder(path: string, ancestor: string): boolean {
  return ancestor === "" || path.startsWith(`${ancestor}.`) || path.startsWith(`${ancestor}[`);
}
