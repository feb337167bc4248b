import { ConfigSource, CONFIG_KEYS } from "../index";
import { unwrapSecrets } from "./wire";

/** The provider's own package name: its config keys are `digicert:<name>`. */
export const PACKAGE_NAME = "digicert";

/**
 * The provider config the engine sends in CheckConfig/Configure (`apiKey`, `region`, ... without the namespace) as
 * the ConfigSource the core's settings read (`digicert:apiKey`). Only this provider's own keys: the engine sends
 * nothing of other namespaces here, and nothing else is consulted (the environment fallbacks stay the core's).
 */
export function configSourceOf(args: Record<string, unknown>): ConfigSource {
  const values = new Map<string, string>();
  for (const [name, [configKey]] of Object.entries(CONFIG_KEYS)) {
    const value = unwrapSecrets(args[name]);
    if (value === undefined || value === null) continue;
    values.set(configKey, typeof value === "string" ? value : JSON.stringify(value));
  }
  return { get: (key) => values.get(key) };
}

/** The provider config keys the schema declares: the core's settings, by their short names. */
export const CONFIG_NAMES = Object.keys(CONFIG_KEYS) as (keyof typeof CONFIG_KEYS)[];

/** Provider config that is secret whatever the stack config says (the schema marks it `secret`). */
export const SECRET_CONFIG_NAMES: readonly string[] = ["apiKey"];
