/**
 * The implementation entry the serialized provider shell loads by package name
 * (`require("pulumi-digicert-code-signing/provider")`). Keep `createProvider` here: old state calls it.
 */
import { CodeSigningOrderProvider, ProviderDeps } from "./operations/codeSigningOrderProvider";
import { ConfigSource } from "./core/settings";
import { processCancellation } from "./dynamic/hostCancel";

/** The operations, hearing the engine's Cancel inside the SDK's dynamic host unless given a cancellation. */
export function createProvider(config?: ConfigSource, deps?: ProviderDeps): CodeSigningOrderProvider {
  return new CodeSigningOrderProvider(config, { hostCancellation: processCancellation, ...deps });
}

export { CodeSigningOrderProvider, ProviderDeps } from "./operations/codeSigningOrderProvider";
export { UNKNOWN } from "./core/unknowns";
export { ResourceInitError } from "./operations/hostFailure";
export { CertCentralApiError, CertCentralTransportError } from "./client/errors";
export { RateLimiter, DIGICERT_RATE_WINDOWS } from "./client/rateLimiter";
export { REPLACING_INPUTS, IN_PLACE_INPUTS } from "./core/diff";
export { withKeptInputs } from "./core/echoedInputs";
export { orderRequestBody } from "./core/mapping";
export { validateInputs } from "./core/rules";
export type { Clock } from "./client/clock";

// For the provider plugin (provider/plugin/): the same settings, cancellation and codecs the dynamic resource uses.
export { readSettings, ConfigurationError, CONFIG_KEYS } from "./core/settings";
export type { ConfigSource } from "./core/settings";
export { CancellationSource } from "./core/cancellation";
export { ignoreClosedPipes, stdoutLine, whenLauncherGone } from "./core/processLife";
export { inputsCodec } from "./core/codecs/inputs";
export { computedOutputFields } from "./core/codecs/state";
export { StrictObjectType } from "./core/codecs/combinators";
