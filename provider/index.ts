/**
 * The implementation entry the serialized provider shell loads by package name
 * (`require("pulumi-digicert-code-signing/provider")`). Keep `createProvider` here: old state calls it.
 */
import { CodeSigningOrderProvider, ProviderDeps } from "./codeSigningOrderProvider";
import { ConfigSource } from "./settings";

export function createProvider(config?: ConfigSource, deps?: ProviderDeps): CodeSigningOrderProvider {
  return new CodeSigningOrderProvider(config, deps);
}

export { CodeSigningOrderProvider, ProviderDeps } from "./codeSigningOrderProvider";
export { UNKNOWN } from "./unknowns";
export { ResourceInitError } from "./errors";
export { CertCentralApiError, CertCentralTransportError } from "./client/errors";
export { RateLimiter, DIGICERT_RATE_WINDOWS } from "./client/rateLimiter";
export { REPLACING_INPUTS, IN_PLACE_INPUTS } from "./diff";
export { orderRequestBody } from "./mapping";
export { validateInputs } from "./rules";
export type { Clock } from "./clock";

// For the provider plugin (provider/plugin/): the same settings, cancellation and codecs the dynamic resource uses.
export { readSettings, ConfigurationError, CONFIG_KEYS } from "./settings";
export type { ConfigSource } from "./settings";
export { CancellationSource } from "./cancellation";
export { inputsCodec } from "./codecs/inputs";
export { computedOutputFields } from "./codecs/state";
export { StrictObjectType } from "./codecs/combinators";
