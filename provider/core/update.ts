import { ResourceState, StoredState } from "./codecs/state";
import { Declaration } from "./declaration";
import { decideDiff, NewInputs, throwIfRefused } from "./diff";
import { LifecycleContext } from "./lifecycleContext";
import { stateAfterUpdate } from "./echoedInputs";
import { reissueOrder, waitForPendingReissue } from "./reissue";
import { waitForOrder } from "./follower";
import { isTerminalStatus } from "./orderStatus";
import { withCertificatePem } from "./certificateDownload";

/**
 * Update: only a reissue is sent to DigiCert (decided again as Diff decided it); everything else updates state only,
 * and waits for the order as `waitFor` asks when it is not there yet. The whole state is returned: the engine keeps
 * only what Update returns.
 */
export async function updateOrder(
  ctx: LifecycleContext,
  declaration: Declaration,
  stored: StoredState,
  news: NewInputs,
): Promise<ResourceState> {
  const decision = decideDiff(stored, news, ctx.clock.now());
  throwIfRefused(decision);
  if (decision.reissue) return reissueOrder(ctx, declaration, stored);
  // A reissue turned down and no longer asked for (the inputs went back) is history: dropped.
  const { reissue } = stored.computed;
  const computed =
    reissue?.status === "pending" ? stored.computed : { ...stored.computed, reissue: undefined };
  // `waitFor` holds on every up: an order, or a reissue, an earlier up stopped waiting for (its wait timed out, Ctrl-C;
  // the engine then calls Update) is waited for again. Not for a terminal order.
  if (isTerminalStatus(computed.status)) return stateAfterUpdate(declaration.inputs, stored, computed);
  if (computed.reissue !== undefined) return waitForPendingReissue(ctx, declaration, stored);
  const state = stateAfterUpdate(declaration.inputs, stored, computed);
  const waited = await waitForOrder(ctx, declaration.wait, state, { resumed: true });
  return waited === state ? state : { ...waited, computed: await withCertificatePem(ctx, waited.computed) };
}
