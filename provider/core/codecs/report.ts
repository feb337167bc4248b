import * as t from "io-ts";

/** One problem with the user's inputs: the property path (`orderValidity.years`) and what is allowed. */
export interface InputProblem {
  readonly property: string;
  readonly reason: string;
}

/** The longest value a problem quotes: enough to recognise it, never a whole CSR. */
const MAX_QUOTED_CHARS = 60;

/**
 * Turns io-ts errors into `InputProblem`s. The failing codec's name says what is allowed (see combinators.ts);
 * the path is built from the context keys, with array indices as `[i]`. Where `quotable(path)` allows, the reason
 * ends with the value given ("(got 4)"): Pulumi shows a check failure's value only for top-level properties.
 */
export function reportErrors(
  errors: t.Errors,
  pathPrefix = "",
  quotable: (path: string) => boolean = () => false,
): InputProblem[] {
  const seen = new Set<string>();
  const problems: InputProblem[] = [];
  for (const error of errors) {
    const path = joinPath(
      pathPrefix,
      error.context.slice(1).map((entry, i) => ({
        key: entry.key,
        // The parent's value tells, whatever its codec is called: error.context[i] is this entry's parent.
        parentIsArray: Array.isArray(error.context[i]!.actual),
      })),
    );
    const failing = error.context[error.context.length - 1]!;
    const reason =
      error.value === undefined
        ? `is required; must be ${failing.type.name}`
        : `must be ${failing.type.name}${quotable(path) ? ` (got ${quote(error.value)})` : ""}`;
    const key = `${path}\u0000${reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ property: path, reason });
  }
  return problems;
}

function joinPath(prefix: string, keys: { key: string; parentIsArray: boolean }[]): string {
  let path = prefix;
  for (const { key, parentIsArray } of keys) {
    if (parentIsArray && /^\d+$/.test(key)) path += `[${key}]`;
    else path += path === "" ? key : `.${key}`;
  }
  return path;
}

function quote(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…` : text;
}
