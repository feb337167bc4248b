import { OrderInfoResponse } from "../client/answers";
import { ComputedOutputs, ReissuedInputs, ReissueRecord, StoredState } from "./codecs/state";
import { CodeSigningOrderInputs } from "./codecs/inputs";
import { withCertificatePem } from "./certificateDownload";
import { Declaration } from "./declaration";
import { requestReissueOnce, SettledReissuePlan } from "./reissuePost";
import { squash } from "./pem";
import { ResourceInitError } from "./errors";
import { LifecycleContext, messageOf } from "./lifecycleContext";
import { orderSnapshotOf, orderStateFromInfo } from "./mapping";
import { isTerminalStatus } from "./orderStatus";
import { planReissue, refreshState, requestOf } from "./plans";
import { composeOutputs, withoutUndefined } from "./state";
import { FollowStop, followOrder, howToStopWaiting } from "./follower";
import { withKeptInputs } from "./diff";

/*
 * Update with a reissue, top to bottom: read the order → plan (send, or adopt the reissue DigiCert already has:
 * never a second one) → send it once → wait if asked. State keeps echoing the inputs the current certificate was
 * issued for, and records the requested ones in `reissue` until DigiCert issues them (plans/reissuePlan.ts).
 */

export async function reissueOrder(
  ctx: LifecycleContext,
  declaration: Declaration,
  stored: StoredState,
): Promise<Record<string, unknown>> {
  const { inputs } = declaration;
  const orderId = stored.computed.orderId;
  if (orderId === undefined) throw new Error("The resource's state holds no order ID: nothing to reissue");
  const requested = requestedOf(inputs);
  const knownRequestIds = (stored.computed.requests ?? []).map((r) => r.id);
  const planFor = (info: OrderInfoResponse | undefined, certificateId: number | undefined) =>
    planReissue({
      orderId,
      certificateId,
      knownRequestIds,
      requestedCsr: squash(inputs.certificate.csr),
      currentCsr: squash(stored.declared.certificate?.csr),
      order: info === undefined ? "gone" : orderSnapshotOf(info),
    });
  const before = await ctx.client.orderInfoIfExists(orderId);
  const plan = planFor(before, stored.computed.certificateId);
  if (plan.kind !== "send") return settle(ctx, declaration, stored, plan, before);
  const replaces = plan.replacesCertificateId;
  const outcome = await requestReissueOnce(ctx, orderId, inputs, (found) => planFor(found, replaces));
  if (outcome.kind === "found") return settle(ctx, declaration, stored, outcome.plan, outcome.info);
  const pending: ComputedOutputs = {
    ...stored.computed,
    status: "reissue_pending",
    requests: mergeRequests(stored.computed.requests, outcome.requests),
    reissue: pendingRecord(requested, outcome.requestId, replaces),
  };
  // The reissue is pending now: state keeps echoing what the current certificate was issued for.
  return waitForReissue(ctx, declaration, appliedInputs(inputs, stored, true), pending);
}

/** Nothing to send (DigiCert has the reissue already, or it is refused): record what DigiCert has, wait if asked. */
async function settle(
  ctx: LifecycleContext,
  declaration: Declaration,
  stored: StoredState,
  plan: SettledReissuePlan,
  info: OrderInfoResponse | undefined,
): Promise<Record<string, unknown>> {
  const { inputs } = declaration;
  // Refused covers a gone order, so `info` is there for both adoptions.
  if (plan.kind === "refuse" || info === undefined) throw new Error(plan.reason);
  ctx.log(plan.reason);
  const fresh = orderStateFromInfo(info);
  if (plan.kind === "adopt-issued") {
    // The order's certificate is the one the declaration asks for: no reissue is open any more.
    const issued = { ...refreshState(stored.computed, fresh).computed, reissue: undefined };
    return composeOutputs(inputs, await withCertificatePem(ctx, issued));
  }
  const record = pendingRecord(requestedOf(inputs), plan.requestId, plan.replacesCertificateId);
  const pending = refreshState({ ...stored.computed, reissue: record }, fresh).computed;
  return waitForReissue(ctx, declaration, appliedInputs(inputs, stored, true), pending);
}

/**
 * `waitFor` on a reissue: `issued` waits for the reissued certificate (a new certificate ID), `approved` for the
 * reissue request's approval. The reissue is accepted already: every way out but success is a partial failure that
 * records it in state (the next `pulumi up` sends no second one).
 */
async function waitForReissue(
  ctx: LifecycleContext,
  declaration: Declaration,
  applied: Record<string, unknown>,
  pending: ComputedOutputs,
): Promise<Record<string, unknown>> {
  const { inputs } = declaration;
  const { target, timeoutText, timeoutMs } = declaration.wait;
  const orderId = pending.orderId!;
  /** The outputs once the reissue is where `waitFor` asks; undefined while it is not yet. */
  const settled = (computed: ComputedOutputs): Record<string, unknown> | undefined => {
    const outs = composeOutputs(applied, computed);
    if (computed.reissue === undefined) return composeOutputs(inputs, computed);
    if (computed.reissue.status !== "pending") {
      throw new ResourceInitError(
        String(orderId),
        outs,
        `The reissue of order ${orderId}${requestOf(computed.reissue)} was ${computed.reissue.status} at DigiCert; ` +
          `the order keeps certificate ${computed.certificateId ?? "(none)"}. State records it: the next \`pulumi up\` ` +
          "requests the reissue again (or set the inputs back to what the certificate was issued for).",
        computed.status,
      );
    }
    if (target === "approved" && approved(computed)) return outs;
    return target === "none" ? outs : undefined;
  };
  const first = settled(pending);
  if (first !== undefined) return first;
  const request = requestOf(pending.reissue);
  ctx.log(
    `the reissue of order ${orderId}${request} is pending: waiting up to ${timeoutText} for it to be ${target}` +
      howToStopWaiting(ctx),
  );
  const outcome = await followOrder(ctx, {
    orderId,
    initial: pending,
    next: async (info, previous) => {
      const refreshed = refreshState(previous, orderStateFromInfo(info));
      return refreshed.applied === undefined
        ? refreshed.computed
        : withCertificatePem(ctx, refreshed.computed);
    },
    judge: (state) =>
      isTerminalStatus(state.status) ? "never" : settled(state) === undefined ? "wait" : "reached",
    deadline: ctx.clock.now() + timeoutMs,
  });
  const { state } = outcome;
  if (outcome.kind === "reached") return settled(state)!;
  const recorded = "It is recorded in state: `pulumi refresh` will follow it, and no second reissue is sent.";
  const message: Record<FollowStop, string> = {
    cancelled: `Stopped waiting for the reissue of order ${orderId}${request}: the deployment was cancelled. ${recorded}`,
    "read-failed":
      `The reissue of order ${orderId} was requested and is recorded in state, but following it failed: ` +
      `${messageOf(outcome.error)}. \`pulumi refresh\` will follow it; no second reissue is sent.`,
    never: `Order ${orderId} is ${state.status} at DigiCert; its reissue will not be issued. It is recorded in state.`,
    timeout:
      `The reissue of order ${orderId}${requestOf(state.reissue)} is pending at DigiCert (status ${state.status}) ` +
      `and did not reach "${target}" within waitTimeout ${timeoutText}. ${recorded}`,
  };
  throw new ResourceInitError(
    String(orderId),
    composeOutputs(applied, state),
    message[outcome.why],
    state.status,
  );
}

function approved(computed: ComputedOutputs): boolean {
  const requestId = computed.reissue?.requestId;
  return (computed.requests ?? []).some((r) => r.id === requestId && r.status === "approved");
}

function pendingRecord(
  requested: ReissuedInputs,
  requestId: number | undefined,
  replacesCertificateId: number | undefined,
): ReissueRecord {
  return withoutUndefined({ status: "pending", requested, requestId, replacesCertificateId });
}

/** The inputs a reissue carries, as declared. */
export function requestedOf(inputs: CodeSigningOrderInputs): ReissuedInputs {
  return withoutUndefined({
    certificate: inputs.certificate,
    csProvisioningMethod: inputs.csProvisioningMethod,
  });
}

/**
 * The inputs state echoes: the declaration, but while a reissue is pending (`pending`: as stored, or just
 * requested) the inputs it carries stay those the current certificate was issued for, so that a reissue DigiCert
 * turns down leaves the change visible to Diff.
 */
export function appliedInputs(
  inputs: CodeSigningOrderInputs,
  stored: StoredState,
  pending = stored.computed.reissue?.status === "pending",
): Record<string, unknown> {
  const kept = withKeptInputs(inputs, stored.echoed);
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

function mergeRequests(
  known: readonly { id: number; status: string }[] | undefined,
  added: readonly { id: number; status: string }[] | undefined,
): { id: number; status: string }[] {
  const byId = new Map((known ?? []).map((r) => [r.id, r]));
  for (const r of added ?? []) byId.set(r.id, r);
  return [...byId.values()];
}
