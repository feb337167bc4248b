import { ComputedOutputs, ReissuedInputs, ResourceState, StoredState } from "./codecs/state";

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
  const container = (inputs as { container?: unknown }).container;
  return container === undefined && echoed.container !== undefined
    ? { ...inputs, container: echoed.container }
    : inputs;
}

/**
 * The state an update leaves: the declaration echoed (inputs left out kept, as above), except that while a reissue
 * is open (pending, or turned down by DigiCert) the inputs it carries stay those the current certificate was issued
 * for: a reissue not yet issued, or refused, leaves the change visible to Diff, and the next `pulumi up` asks again.
 */
export function stateAfterUpdate(
  inputs: object,
  stored: StoredState,
  computed: ComputedOutputs,
): ResourceState {
  const kept: Record<string, unknown> = withKeptInputs({ ...inputs }, stored.echoed);
  if (computed.reissue === undefined) return { echoed: kept, computed };
  const { certificate, csProvisioningMethod } = stored.echoed;
  return { echoed: { ...kept, certificate, csProvisioningMethod }, computed };
}

/** The echoed inputs once a reissue was issued: what it carried is now what the certificate was issued for. */
export function withApplied(
  echoed: Record<string, unknown>,
  applied: ReissuedInputs,
): Record<string, unknown> {
  return { ...echoed, certificate: applied.certificate, csProvisioningMethod: applied.csProvisioningMethod };
}
