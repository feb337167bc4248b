import { isLeft } from "fp-ts/Either";
import * as t from "io-ts";

/**
 * Small io-ts combinators whose names are the user-facing description of what is allowed: the error reporter
 * (./report.ts) turns a failed codec's name into "must be <name>", so every name here reads as a phrase.
 */

/** An integer within optional bounds, named for the message ("an integer from 1 to 3"). */
export function integer(min?: number, max?: number): t.Type<number, number, unknown> {
  const name =
    min !== undefined && max !== undefined
      ? `an integer from ${min} to ${max}`
      : min !== undefined
        ? `an integer of at least ${min}`
        : "an integer";
  const is = (u: unknown): u is number =>
    typeof u === "number" &&
    Number.isSafeInteger(u) &&
    (min === undefined || u >= min) &&
    (max === undefined || u <= max);
  return new t.Type<number, number, unknown>(
    name,
    is,
    (u, c) => (is(u) ? t.success(u) : t.failure(u, c)),
    t.identity,
  );
}

/** One of a fixed set of integers, typed as their literal union (`0 | 1`), named "0 or 1". */
export function integerIn<V extends number>(values: readonly V[]): t.Type<V, V, unknown> {
  const name = values.length === 2 ? `${values[0]} or ${values[1]}` : `one of ${values.join(", ")}`;
  const is = (u: unknown): u is V => typeof u === "number" && (values as readonly number[]).includes(u);
  return new t.Type<V, V, unknown>(name, is, (u, c) => (is(u) ? t.success(u) : t.failure(u, c)), t.identity);
}

/** One of a fixed set of string literals, named `"a" | "b"`. */
export function oneOf<V extends string>(values: readonly V[]): t.Type<V, V, unknown> {
  const allowed = new Set<string>(values);
  const name = values.map((v) => JSON.stringify(v)).join(" | ");
  return new t.Type<V, V, unknown>(
    name,
    (u): u is V => typeof u === "string" && allowed.has(u),
    (u, c) => (typeof u === "string" && allowed.has(u) ? t.success(u as V) : t.failure(u, c)),
    t.identity,
  );
}

/** A string accepted by `test`, named by `description`. */
export function stringWhere(
  description: string,
  test: (s: string) => boolean,
): t.Type<string, string, unknown> {
  return new t.Type<string, string, unknown>(
    description,
    (u): u is string => typeof u === "string" && test(u),
    (u, c) => (typeof u === "string" && test(u) ? t.success(u) : t.failure(u, c)),
    t.identity,
  );
}

export const nonEmptyString = stringWhere("a non-empty string", (s) => s.trim().length > 0);

/** Marker codec for a property the object does not define; only its name is used, in the message. */
function unknownPropertyMarker(allowed: readonly string[]): t.Type<never, never, unknown> {
  return new t.Type<never, never, unknown>(
    `absent: it is not a known property (known here: ${allowed.join(", ")})`,
    (_u): _u is never => false,
    (u, c) => t.failure(u, c),
    (a) => a,
  );
}

type RequiredOf<R extends t.Props> = { [K in keyof R]: t.TypeOf<R[K]> };
type OptionalOf<O extends t.Props> = { [K in keyof O]?: t.TypeOf<O[K]> };

/** A strict object codec that keeps its property codecs, so key lists and field-wise decoding derive from it. */
export class StrictObjectType<R extends t.Props, O extends t.Props> extends t.Type<
  RequiredOf<R> & OptionalOf<O>,
  RequiredOf<R> & OptionalOf<O>,
  unknown
> {
  constructor(
    name: string,
    readonly required: R,
    readonly optional: O,
    is: t.Is<RequiredOf<R> & OptionalOf<O>>,
    validate: t.Validate<unknown, RequiredOf<R> & OptionalOf<O>>,
  ) {
    super(name, is, validate, t.identity);
  }

  /** Every property name, required ones first, in declaration order. */
  get keys(): readonly (keyof R | keyof O)[] {
    return [...Object.keys(this.required), ...Object.keys(this.optional)] as (keyof R | keyof O)[];
  }
}

/**
 * An object with required and optional properties that rejects properties it does not know. io-ts's `exact`
 * strips unknown keys silently; for a paid order a misspelt key (`organisation`) must be an error, not ignored.
 * Every property is checked so that all failures are reported at once.
 */
export function strictObject<R extends t.Props, O extends t.Props>(
  name: string,
  required: R,
  optional: O,
): StrictObjectType<R, O> {
  const known = [...Object.keys(required), ...Object.keys(optional)];
  const knownSet = new Set(known);
  const marker = unknownPropertyMarker(known);
  type A = RequiredOf<R> & OptionalOf<O>;
  // Values as well as keys: a guard that passed `{ years: 9 }` would let a value past every rule.
  const is = (u: unknown): u is A =>
    isPlainObject(u) &&
    Object.keys(u).every((k) => knownSet.has(k)) &&
    Object.entries(required).every(([k, codec]) => codec.is(u[k])) &&
    Object.entries(optional).every(([k, codec]) => u[k] === undefined || codec.is(u[k]));
  return new StrictObjectType<R, O>(name, required, optional, is, (u, c) => {
    if (!isPlainObject(u)) return t.failure(u, c);
    const errors: t.Errors = [];
    const out: Record<string, unknown> = {};
    const visit = (key: string, codec: t.Mixed, isRequired: boolean) => {
      const value = u[key];
      if (value === undefined && !isRequired) return;
      const result = codec.validate(value, t.appendContext(c, key, codec, value));
      if (isLeft(result)) errors.push(...result.left);
      else if (result.right !== undefined) out[key] = result.right;
    };
    for (const [key, codec] of Object.entries(required)) visit(key, codec, true);
    for (const [key, codec] of Object.entries(optional)) visit(key, codec, false);
    for (const key of Object.keys(u)) {
      if (!knownSet.has(key))
        errors.push({ value: u[key], context: t.appendContext(c, key, marker, u[key]) });
    }
    return errors.length > 0 ? t.failures(errors) : t.success(out as A);
  });
}

/** An array of `item`, named "a list of <item>" (optionally non-empty). */
export function listOf<C extends t.Mixed>(item: C, opts: { nonEmpty?: boolean } = {}) {
  const base = t.array(item, `a list of ${item.name}`);
  if (!opts.nonEmpty) return base;
  return new t.Type<t.TypeOf<C>[], t.OutputOf<C>[], unknown>(
    `a non-empty list of ${item.name}`,
    (u): u is t.TypeOf<C>[] => base.is(u) && u.length > 0,
    (u, c) => (Array.isArray(u) && u.length === 0 ? t.failure(u, c) : base.validate(u, c)),
    base.encode,
  );
}

export function isPlainObject(u: unknown): u is Record<string, unknown> {
  return typeof u === "object" && u !== null && !Array.isArray(u);
}
