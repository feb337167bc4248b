/**
 * Injected faults: rules are matched in injection order against method and path (after /services/v2); the
 * first match fires and is removed once it has fired `times` times. Also holds the body rewrites two fault kinds
 * need.
 */
import { Fault, FaultRule } from "./types";

interface ActiveRule {
  method?: string;
  path?: string | RegExp;
  remaining: number;
  fault: Fault;
}

export class FaultQueue {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): void {
    const times = rule.times ?? 1;
    if (!(times >= 1) || (!Number.isInteger(times) && times !== Infinity)) {
      throw new RangeError(`fault times must be a positive integer or Infinity, got ${times}`);
    }
    this.rules.push({
      method: rule.method?.toUpperCase(),
      path: rule.path,
      remaining: times,
      fault: rule.fault,
    });
  }

  /** The fault for this request, if any rule matches; consumes one firing of that rule. */
  take(method: string, path: string): Fault | undefined {
    const index = this.rules.findIndex((rule) => matches(rule, method.toUpperCase(), path));
    if (index < 0) return undefined;
    const rule = this.rules[index];
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules.splice(index, 1);
    return rule.fault;
  }

  clear(): void {
    this.rules = [];
  }
}

function matches(rule: ActiveRule, method: string, path: string): boolean {
  if (rule.method !== undefined && rule.method !== method) return false;
  if (rule.path === undefined) return true;
  if (typeof rule.path === "string") return path.startsWith(rule.path);
  rule.path.lastIndex = 0; // a /g or /y RegExp keeps state between test() calls
  return rule.path.test(path);
}

/**
 * Adds unknown fields at the top level and inside every nested object (including objects in arrays), so a
 * client's decoder must tolerate fields it does not know.
 */
export function withExtraFields(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((item) => withExtraFields(item, depth + 1));
  if (typeof value !== "object" || value === null) return value;
  const extended: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) extended[key] = withExtraFields(item, depth + 1);
  extended[`emulator_unknown_field_${depth}`] = `unexpected value at depth ${depth}`;
  if (depth === 0) {
    extended.emulator_unknown_object = { nested: { flag: true, list: [1, "two", null] } };
    extended.emulator_unknown_list = [{ id: 1 }, { id: 2 }];
  }
  return extended;
}

/** A body that is not JSON: the first half of the real answer, as a proxy truncating it would send. */
export function malformedJson(serialized: string | undefined): string {
  if (serialized === undefined || serialized.length < 2) return "<html><body>502 Bad Gateway</body></html>";
  return serialized.slice(0, Math.max(1, Math.floor(serialized.length / 2)));
}
