import { Declaration } from "./declaration";
import { ResourceInitError } from "./errors";
import { executeCreatePlan } from "./executor";
import { LifecycleContext } from "./lifecycleContext";
import { lookUpHistory } from "./orderHistory";
import { historyStart, planCreate } from "./plans";
import { composeOutputs } from "./state";
import { withCertificatePem } from "./certificateDownload";
import { waitForOrder } from "./waiting";
import { isTerminalStatus } from "./orderStatus";

/*
 * Create, top to bottom: the predecessor Diff named in this deployment (if any) → the resource's order history at
 * DigiCert → a plan (place, adopt or refuse) → the executor carries it out → wait if asked. Once DigiCert has
 * accepted an order, every failure is a partial failure carrying its ID (but see `onWaitFailure`).
 */
/** Creates under the user's own ID take turns (see ReplacementMemory.oneAtATime); derived IDs are per resource. */
function lockOf(declaration: Declaration): string {
  return declaration.identity.kind === "own"
    ? `own:${declaration.identity.alternativeOrderId}`
    : `key:${declaration.resourceKey}`;
}

export async function createOrder(
  ctx: LifecycleContext,
  declaration: Declaration,
): Promise<{ id: string; outs: Record<string, unknown> }> {
  const predecessor = ctx.memory.takePredecessor(declaration.resourceKey);
  const { plan, accepted } = await ctx.memory.oneAtATime(lockOf(declaration), async () => {
    const startedAt = ctx.clock.now();
    const history = await lookUpHistory(
      ctx.client,
      declaration.identity,
      historyStart(declaration, predecessor),
    );
    const heldElsewhere = ctx.memory.heldByOthers(declaration.resourceKey);
    const plan = planCreate(declaration, history, predecessor, heldElsewhere);
    const accepted = await executeCreatePlan(ctx, declaration, plan, { history, startedAt }).catch(
      (error: unknown) => {
        // A partial failure puts the order in this resource's state: it holds it all the same.
        if (error instanceof ResourceInitError)
          ctx.memory.rememberHolder(Number(error.id), declaration.resourceKey);
        throw error;
      },
    );
    ctx.memory.rememberHolder(accepted.state.orderId, declaration.resourceKey);
    return { plan, accepted };
  });
  // An order this resource adopted may be the very order a replacement's Delete is about to handle.
  if (plan.kind === "adopt") ctx.memory.rememberAdopted(accepted.state.orderId);

  const { inputs } = declaration;
  try {
    const waited = await waitForOrder(
      ctx,
      declaration.wait,
      inputs,
      { ...accepted.outputs, ...accepted.state },
      accepted.state,
    );
    // An order issued by now (waited for, or adopted issued) carries its certificate's PEM at once.
    const computed = await withCertificatePem(ctx, waited);
    return { id: String(accepted.state.orderId), outs: composeOutputs(inputs, computed) };
  } catch (error) {
    if (!(error instanceof ResourceInitError && plan.kind === "adopt" && plan.onWaitFailure === "plain"))
      throw error;
    const why = ctx.cancellation.cancelled
      ? "the deployment was cancelled while waiting for it"
      : isTerminalStatus(error.status)
        ? `it is ${error.status} at DigiCert`
        : `it did not reach "${declaration.wait.target}" within waitTimeout ${declaration.wait.timeoutText}`;
    throw new Error(
      `Order ${error.id} (status ${error.status}) was adopted rather than placed, and ${why}. It is not recorded in ` +
        "state yet: the next `pulumi up` finds it again by its alternative order ID, and no second order is placed.",
    );
  }
}
