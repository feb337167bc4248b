import { JavaScriptValue, Struct } from "google-protobuf/google/protobuf/struct_pb";
import { SECRET_INPUTS, SECRET_OUTPUTS } from "../../sdk/outputs";

/**
 * The engine's wire encoding of property values, as a plugin that answers acceptSecrets=true receives them: a
 * secret is an object carrying this signature; an unknown (preview) is the sentinel string the core already knows.
 */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

type Props = Record<string, unknown>;

/** Properties that are always secret in what the plugin returns (the SDK's lists: one source with the dynamic resource). */
export const ALWAYS_SECRET: ReadonlySet<string> = new Set<string>([...SECRET_INPUTS, ...SECRET_OUTPUTS]);

function isObject(u: unknown): u is Props {
  return typeof u === "object" && u !== null && !Array.isArray(u);
}

export function isSecretValue(u: unknown): u is { value: unknown } {
  return isObject(u) && u[SECRET_SIG_KEY] === SECRET_SIG;
}

/** Deeply replaces secret wire objects by their values: the core compares and decides on plain values. */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecretValue(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (isObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  return value;
}

/** The top-level properties that hold a secret anywhere inside: they stay secret in what goes back. */
export function secretKeysOf(props: Props): Set<string> {
  const containsSecret = (u: unknown): boolean =>
    isSecretValue(u) ||
    (Array.isArray(u) && u.some(containsSecret)) ||
    (isObject(u) && Object.values(u).some(containsSecret));
  return new Set(Object.keys(props).filter((k) => containsSecret(props[k])));
}

/** A Struct's properties, secrets unwrapped, plus which top-level keys were secret. */
export function decodeProps(struct: Struct | undefined): { plain: Props; secretKeys: Set<string> } {
  const raw = (struct?.toJavaScript() ?? {}) as Props;
  return { plain: unwrapSecrets(raw) as Props, secretKeys: secretKeysOf(raw) };
}

/** Plain properties to a Struct, wrapping as secret the always-secret keys and `alsoSecret`. */
export function encodeProps(props: Props, alsoSecret: ReadonlySet<string> = new Set()): Struct {
  const out: Props = {};
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined) continue;
    const plain = JSON.parse(JSON.stringify(v)) as unknown;
    out[k] =
      ALWAYS_SECRET.has(k) || alsoSecret.has(k) ? { [SECRET_SIG_KEY]: SECRET_SIG, value: plain } : plain;
  }
  return Struct.fromJavaScript(out as Record<string, JavaScriptValue>);
}
