import { ResourceState, StoredState } from "./codecs/state";
import { withCertificatePem } from "./certificateDownload";
import { importedInputs } from "./importedInputs";
import { LifecycleContext } from "./lifecycleContext";
import { orderStateFromInfo } from "./mapping";
import { refreshState } from "./plans";
import { withApplied } from "./echoedInputs";

/**
 * Read (refresh, and `pulumi import` with the order ID alone): DigiCert's order merged into state (plans'
 * refreshState), the certificate downloaded once per certificate, and the inputs an import records read back from the
 * order (what state echoes is what Read returns as the inputs). `undefined` when DigiCert says the order does not
 * exist: the engine drops it from state.
 */
export async function readOrder(
  ctx: LifecycleContext,
  orderId: number,
  stored: StoredState,
): Promise<ResourceState | undefined> {
  const importing = Object.keys(stored.echoed).length === 0;
  const info = await ctx.client.orderInfoIfExists(orderId);
  if (info === undefined) {
    ctx.log(
      importing
        ? `order ${orderId} does not exist at DigiCert (or this API key cannot see it): nothing to import`
        : `order ${orderId} no longer exists at DigiCert: removing it from state`,
    );
    return undefined;
  }
  // One call for an unchanged certificate; a new one (issued, or reissued) is downloaded once.
  const refreshed = refreshState(stored.computed, orderStateFromInfo(info));
  const computed = await withCertificatePem(ctx, refreshed.computed);
  // `pulumi import` knows only the ID: the order itself says what it declares.
  const known = importing ? importedInputs(info) : stored.echoed;
  const echoed = refreshed.applied ? withApplied(known, refreshed.applied) : known;
  const [before, after] = [stored.computed.status, computed.status];
  if (before !== undefined && after !== undefined && before !== after)
    ctx.log(`order ${orderId}: ${before} → ${after}`);
  if (refreshed.applied)
    ctx.log(`order ${orderId}: the reissued certificate ${computed.certificateId} is issued`);
  return { echoed, computed };
}
