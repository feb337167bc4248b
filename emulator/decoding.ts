/**
 * Runs io-ts codecs over outside input and turns failures into DigiCert-style error entries that name the
 * snake_case field (e.g. `certificate.server_platform.id`, `custom_fields[0].value`).
 */
import * as t from "io-ts";
import { ErrorEntry, invalidValue, missingField, validationFailed } from "./errors";

/** Joins the field names of an io-ts context, skipping the entries unions/intersections add. */
export function fieldPath(context: t.Context): string {
  let path = "";
  for (let index = 1; index < context.length; index++) {
    const parent = context[index - 1].type;
    const key = context[index].key;
    if (parent instanceof t.ArrayType) {
      path += `[${key}]`;
    } else if (
      parent instanceof t.InterfaceType ||
      parent instanceof t.PartialType ||
      parent instanceof t.DictionaryType
    ) {
      path += path === "" ? key : `.${key}`;
    }
  }
  return path;
}

/** One entry per failing field: undefined values are missing, anything else has the wrong type. */
export function errorEntries(errors: t.Errors): ErrorEntry[] {
  const byPath = new Map<string, ErrorEntry>();
  for (const error of errors) {
    const path = fieldPath(error.context) || "body";
    if (byPath.has(path)) continue;
    byPath.set(
      path,
      error.value === undefined ? missingField(path) : invalidValue(path, "wrong type or value"),
    );
  }
  return [...byPath.values()];
}

/** Decodes or throws a 400 ApiError listing every failing field. */
export function decodeOrThrow<A, O>(codec: t.Type<A, O, unknown>, input: unknown): A {
  const result = codec.decode(input);
  if (result._tag === "Left") throw validationFailed(errorEntries(result.left));
  return result.right;
}

/** Decodes or returns undefined, for inputs where failure has a route-level meaning (e.g. 404). */
export function decodeOrUndefined<A, O>(codec: t.Type<A, O, unknown>, input: unknown): A | undefined {
  const result = codec.decode(input);
  return result._tag === "Right" ? result.right : undefined;
}

/** A request body as read off the socket. */
export type RawBody =
  { kind: "empty" } | { kind: "json"; value: unknown } | { kind: "malformed"; text: string };

export function parseBody(text: string): RawBody {
  if (text.trim() === "") return { kind: "empty" };
  try {
    return { kind: "json", value: JSON.parse(text) as unknown };
  } catch {
    return { kind: "malformed", text };
  }
}
