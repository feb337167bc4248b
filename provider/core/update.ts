import { ResourceState, StoredState } from "./codecs/state";
import { Declaration } from "./declaration";
import { decideDiff, NewInputs } from "./diff";
import { LifecycleContext } from "./lifecycleContext";
import { stateAfterUpdate } from "./echoedInputs";
import { reissueOrder } from "./reissue";

/**
 * Update: only a reissue is sent to DigiCert (decided again as Diff decided it); everything else updates state only.
 * The whole state is returned: the engine keeps only what Update returns.
 */
export async function updateOrder(
  ctx: LifecycleContext,
  declaration: Declaration,
  stored: StoredState,
  news: NewInputs,
): Promise<ResourceState> {
  const decision = decideDiff(stored, news, ctx.clock.now());
  if (decision.refusal) throw new Error(`${decision.refusal.property}: ${decision.refusal.reason}`);
  if (decision.reissue) return reissueOrder(ctx, declaration, stored);
  // A reissue turned down and no longer asked for (the inputs went back) is history: dropped.
  const { reissue } = stored.computed;
  const computed =
    reissue?.status === "pending" ? stored.computed : { ...stored.computed, reissue: undefined };
  return stateAfterUpdate(declaration.inputs, stored, computed);
}
