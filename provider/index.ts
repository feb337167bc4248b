/**
 * The implementation entry the serialized provider shell loads by package name
 * (`require("pulumi-digicert-code-signing/provider")`). Keep `createProvider` here: old state calls it.
 */
import { CodeSigningOrderProvider, ProviderDeps } from "./dynamic/codeSigningOrderProvider";
import { ConfigSource } from "./core/settings";

export function createProvider(config?: ConfigSource, deps?: ProviderDeps): CodeSigningOrderProvider {
  return new CodeSigningOrderProvider(config, deps);
}

export { CodeSigningOrderProvider, ProviderDeps } from "./dynamic/codeSigningOrderProvider";
export { UNKNOWN } from "./core/unknowns";
export { ResourceInitError } from "./core/errors";
export { CertCentralApiError, CertCentralTransportError } from "./client/errors";
export { RateLimiter, DIGICERT_RATE_WINDOWS } from "./client/rateLimiter";
export { REPLACING_INPUTS, IN_PLACE_INPUTS } from "./core/diff";
export { orderRequestBody } from "./core/mapping";
export { validateInputs } from "./core/rules";
export type { Clock } from "./client/clock";
