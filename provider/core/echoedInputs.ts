import { ReissuedInputs, StoredState } from "./codecs/state";

/*
 * What state echoes as the resource's inputs (Diff compares new inputs with these): the declaration, with an input
 * left out that means "what the order has" kept from state, and while a reissue is open the inputs the current
 * certificate was issued for.
 */

/**
 * The inputs as they apply to the order: an input left out that means "what the order has" takes the stored value.
 * `container`: the order stays in the container it is in (an import records DigiCert's, which names one for every
 * order; an order placed without one went to the account's top container). Diff compares these, state echoes them.
 */
export function withKeptInputs<T extends object>(inputs: T, echoed: Record<string, unknown>): T {
  const declared = (inputs as { container?: unknown }).container;
  return declared === undefined && echoed.container !== undefined
    ? { ...inputs, container: echoed.container }
    : inputs;
}

/**
 * The inputs state echoes: the declaration, but while a reissue is pending (`pending`: as stored, or just
 * requested) the inputs it carries stay those the current certificate was issued for, so that a reissue DigiCert
 * turns down leaves the change visible to Diff.
 */
export function appliedInputs(
  inputs: object,
  stored: StoredState,
  pending = stored.computed.reissue?.status === "pending",
): Record<string, unknown> {
  const kept: Record<string, unknown> = withKeptInputs({ ...inputs }, stored.echoed);
  if (!pending) return kept;
  const { certificate, csProvisioningMethod } = stored.echoed;
  return { ...kept, certificate, csProvisioningMethod };
}

/** The echoed inputs once a reissue was issued: what it carried is now what the certificate was issued for. */
export function withApplied(
  echoed: Record<string, unknown>,
  applied: ReissuedInputs,
): Record<string, unknown> {
  return { ...echoed, certificate: applied.certificate, csProvisioningMethod: applied.csProvisioningMethod };
}
