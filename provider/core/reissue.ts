import { OrderInfoResponse } from "../client/answers";
import {
  ComputedOutputs,
  ReissuedInputs,
  ReissueRecord,
  ResourceState,
  StoredState,
  withoutUndefined,
} from "./codecs/state";
import { CodeSigningOrderInputs, WaitTarget } from "./codecs/inputs";
import { withCertificatePem } from "./certificateDownload";
import { Declaration } from "./declaration";
import { stateAfterUpdate } from "./echoedInputs";
import { squash } from "./pem";
import { PartialFailure } from "./errors";
import { LifecycleContext, messageOf } from "./lifecycleContext";
import {
  orderSnapshotOf,
  orderStateFromInfo,
  ReissueRequests,
  reissueRequestBody,
  reissueRequestsOf,
} from "./mapping";
import { isTerminalStatus } from "./orderStatus";
import { reissuePostSubject } from "./pendingPosts";
import { planReissue, refreshState, ReissuePlan, requestOf } from "./plans";
import { FollowStop, followOrder, howToStopWaiting } from "./follower";
import { describeRateLimited, describeUnanswered, Look, sendOnce, Unanswered } from "./sendOnce";

/*
 * Update with a reissue, top to bottom: read the order → plan (send, or adopt the reissue DigiCert already has:
 * never a second one) → send it once (the send-once engine) → wait if asked. State keeps echoing the inputs the
 * current certificate was issued for, and records the requested ones in `reissue` until DigiCert issues them
 * (plans/reissuePlan.ts). The whole reissue is this one module, read in the order it runs (hence over 250 lines:
 * much of it is the words of each outcome).
 */

export async function reissueOrder(
  ctx: LifecycleContext,
  declaration: Declaration,
  stored: StoredState,
): Promise<ResourceState> {
  const { inputs } = declaration;
  const orderId = stored.computed.orderId;
  if (orderId === undefined) throw new Error("The resource's state holds no order ID: nothing to reissue");
  const requested = reissuedInputsOf(inputs);
  const knownRequestIds = (stored.computed.requests ?? []).map((r) => r.id);
  // Planned again after an unanswered POST with the certificate the first plan said the reissue replaces.
  const planFor = (info: OrderInfoResponse | undefined, replacing: number | undefined) =>
    planReissue({
      orderId,
      certificateId: replacing,
      knownRequestIds,
      requestedCsr: squash(inputs.certificate.csr),
      currentCsr: squash(stored.declared.certificate?.csr),
      order: info === undefined ? "gone" : orderSnapshotOf(info),
    });
  const before = await ctx.client.orderInfoIfExists(orderId);
  const plan = planFor(before, stored.computed.certificateId);
  if (plan.kind !== "send") return adoptOrRefuse(ctx, declaration, stored, plan, before);
  const replaces = plan.replacesCertificateId;
  const outcome = await requestReissueOnce(ctx, orderId, inputs, (found) => planFor(found, replaces));
  if (outcome.kind === "rechecked")
    return adoptOrRefuse(ctx, declaration, stored, outcome.plan, outcome.info);
  const pending: ComputedOutputs = {
    ...stored.computed,
    status: "reissue_pending",
    requests: mergeRequests(stored.computed.requests, outcome.requests),
    reissue: pendingRecord(requested, outcome.requestId, replaces),
  };
  return waitForReissue(ctx, declaration, stored, pending);
}

/** What the order shows after an unanswered reissue POST: the plan made again from it (adopt, or refuse). */
interface Rechecked {
  readonly plan: NoSendReissuePlan;
  readonly info?: OrderInfoResponse;
}

/** What sending the reissue came to, when it did not fail: sent, or the order read again after no answer. */
type SendOutcome =
  ({ readonly kind: "sent" } & ReissueRequests) | ({ readonly kind: "rechecked" } & Rechecked);

/** What a reissue plan says once nothing is left to send: refuse, or adopt what DigiCert has. */
type NoSendReissuePlan = Exclude<ReissuePlan, { readonly kind: "send" }>;

/**
 * POSTs the reissue through the send-once engine (sendOnce.ts), the rules order placement follows. After an answer
 * that may hide an acceptance the order is read again (`recheck`) and a reissue it shows is adopted, never a second
 * one sent; this words what each outcome means for the reissue.
 */
async function requestReissueOnce(
  ctx: LifecycleContext,
  orderId: number,
  inputs: CodeSigningOrderInputs,
  recheck: (info: OrderInfoResponse | undefined) => ReissuePlan,
): Promise<SendOutcome> {
  const lost = (unanswered: Unanswered) => describeUnanswered(unanswered, `a reissue of order ${orderId}`);
  const nextRun =
    `Nothing was sent again. Run \`pulumi up\` again: it reads order ${orderId} first and adopts a reissue DigiCert ` +
    "has instead of sending a second one.";
  const outcome = await sendOnce(ctx, {
    subject: reissuePostSubject(orderId),
    noun: "reissue",
    nothingCreated: "no reissue was requested",
    send: () => ctx.client.reissueOrder(orderId, reissueRequestBody(inputs)),
    find: async (unanswered): Promise<Look<Rechecked>> => {
      const info = await ctx.client.orderInfoIfExists(orderId);
      const plan = recheck(info);
      if (plan.kind === "send") return { kind: "none" };
      if (plan.kind !== "refuse")
        ctx.log(
          `the answer to the reissue of order ${orderId} was lost (${lost(unanswered)}): ${plan.reason}`,
        );
      return { kind: "found", found: { plan, info }, settled: true };
    },
  });
  const failure = "error" in outcome ? messageOf(outcome.error) : "";
  switch (outcome.kind) {
    case "sent": {
      const sent = reissueRequestsOf(outcome.value);
      const { requestId } = sent;
      ctx.log(
        `reissue of order ${orderId} requested${requestId === undefined ? "" : ` (request ${requestId})`}: no new order`,
      );
      return { kind: "sent", ...sent };
    }
    case "found":
      return { kind: "rechecked", ...outcome.found };
    case "refused": {
      // DigiCert's own error, reworded but kept (its code and status, and the hints the edge adds for a key or URL).
      const refusal = outcome.error instanceof Error ? outcome.error : new Error(failure);
      refusal.message =
        `DigiCert refused the reissue of order ${orderId}: ${failure}. No reissue was requested and state is ` +
        "unchanged; fix the declaration (or the order in CertCentral) and run `pulumi up` again.";
      throw refusal;
    }
    case "stopped":
      throw outcome.error;
    case "unreadable":
      throw new Error(
        `${failure}. The reissue of order ${orderId} may have reached DigiCert, and the order does not show it ` +
          `(yet). ${nextRun}`,
      );
    case "gave-up":
      throw new Error(
        `${failure}. No reissue was requested: order ${orderId} shows none after ${outcome.attempts} attempts. ` +
          "State is unchanged; run `pulumi up` again.",
      );
    case "rate-limited":
      throw new Error(
        describeRateLimited(outcome, {
          noun: "reissue",
          nothingCreated: "no reissue was requested",
          nothingFromEarlier: `order ${orderId} shows no reissue from the earlier unanswered attempt`,
        }),
      );
    case "look-up-failed":
      throw new Error(
        `${lost(outcome.unanswered)}. The reissue of order ${orderId} may have reached DigiCert, and reading the ` +
          `order failed too (${failure}). ${nextRun}`,
      );
  }
}

/** Nothing left to send (DigiCert has the reissue already, or it is refused): record what DigiCert has, wait if asked. */
async function adoptOrRefuse(
  ctx: LifecycleContext,
  declaration: Declaration,
  stored: StoredState,
  plan: NoSendReissuePlan,
  info: OrderInfoResponse | undefined,
): Promise<ResourceState> {
  const { inputs } = declaration;
  // Refused covers a gone order, so `info` is there for both adoptions.
  if (plan.kind === "refuse" || info === undefined) throw new Error(plan.reason);
  ctx.log(plan.reason);
  const fresh = orderStateFromInfo(info);
  if (plan.kind === "adopt-issued") {
    // The order's certificate is the one the declaration asks for: no reissue is open any more.
    const issued = { ...refreshState(stored.computed, fresh).computed, reissue: undefined };
    return stateAfterUpdate(inputs, stored, await withCertificatePem(ctx, issued));
  }
  const record = pendingRecord(reissuedInputsOf(inputs), plan.requestId, plan.replacesCertificateId);
  const pending = refreshState({ ...stored.computed, reissue: record }, fresh).computed;
  return waitForReissue(ctx, declaration, stored, pending);
}

/**
 * An update while the reissue recorded in state is pending (an earlier up stopped waiting for it: a timeout, Ctrl-C;
 * the engine then calls Update): `waitFor` is waited for again, as the up that requested it would have.
 */
export async function waitForPendingReissue(
  ctx: LifecycleContext,
  declaration: Declaration,
  stored: StoredState,
): Promise<ResourceState> {
  const { orderId } = stored.computed;
  // State is from an earlier up: where there is something to wait for, DigiCert may have issued (or turned down) the
  // reissue since, so the order is read once at once.
  const computed =
    orderId !== undefined && progressOf(declaration.wait.target, stored.computed) === "waiting"
      ? await withAnswer(ctx, stored.computed, await ctx.client.orderInfo(orderId))
      : stored.computed;
  return waitForReissue(ctx, declaration, stored, computed);
}

/** DigiCert's answer merged into a reissue's state as a refresh merges it; a reissued certificate's PEM downloaded. */
async function withAnswer(
  ctx: LifecycleContext,
  computed: ComputedOutputs,
  info: OrderInfoResponse,
): Promise<ComputedOutputs> {
  const refreshed = refreshState(computed, orderStateFromInfo(info));
  return refreshed.applied === undefined ? refreshed.computed : withCertificatePem(ctx, refreshed.computed);
}

/** Where an open reissue stands for `waitFor`: issued, far enough for the target, turned down, or not yet. */
type ReissueProgress = "issued" | "far-enough" | "turned-down" | "waiting";

function progressOf(target: WaitTarget, computed: ComputedOutputs): ReissueProgress {
  const { reissue } = computed;
  if (reissue === undefined) return "issued";
  if (reissue.status !== "pending") return "turned-down";
  const approved = (computed.requests ?? []).some(
    (r) => r.id === reissue.requestId && r.status === "approved",
  );
  return target === "none" || (target === "approved" && approved) ? "far-enough" : "waiting";
}

/**
 * `waitFor` on a reissue: `issued` waits for the reissued certificate (a new certificate ID), `approved` for the
 * reissue request's approval. The reissue is accepted already: every way out but success is a partial failure that
 * records it in state (the next `pulumi up` sends no second one).
 */
async function waitForReissue(
  ctx: LifecycleContext,
  declaration: Declaration,
  stored: StoredState,
  pending: ComputedOutputs,
): Promise<ResourceState> {
  const { target, timeoutText, timeoutMs } = declaration.wait;
  const orderId = pending.orderId!;
  const stateOf = (computed: ComputedOutputs) => stateAfterUpdate(declaration.inputs, stored, computed);
  const request = requestOf(pending.reissue);
  const turnedDown = (computed: ComputedOutputs) =>
    new PartialFailure(
      orderId,
      stateOf(computed),
      `The reissue of order ${orderId}${requestOf(computed.reissue)} was ${computed.reissue?.status} at DigiCert; ` +
        `the order keeps certificate ${computed.certificateId ?? "(none)"}. State records it: the next \`pulumi up\` ` +
        "requests the reissue again (or set the inputs back to what the certificate was issued for).",
    );
  const now = progressOf(target, pending);
  if (now === "issued" || now === "far-enough") return stateOf(pending);
  if (now === "turned-down") throw turnedDown(pending);
  ctx.log(
    `the reissue of order ${orderId}${request} is pending: waiting up to ${timeoutText} for it to be ${target}` +
      howToStopWaiting(ctx),
  );
  const outcome = await followOrder(ctx, {
    orderId,
    initial: pending,
    next: (info, previous) => withAnswer(ctx, previous, info),
    judge: (state) => {
      const progress = progressOf(target, state);
      if (isTerminalStatus(state.status) || progress === "turned-down") return "never";
      return progress === "waiting" ? "wait" : "reached";
    },
    deadline: ctx.clock.now() + timeoutMs,
  });
  const { state } = outcome;
  if (outcome.kind === "reached") return stateOf(state);
  if (outcome.why === "never" && progressOf(target, state) === "turned-down") throw turnedDown(state);
  const recorded =
    "It is recorded in state: `pulumi refresh` will follow it, the next `pulumi up` waits for it again (unless " +
    "`waitFor` is `none`), and no second reissue is sent.";
  const message: Record<FollowStop, string> = {
    cancelled: `Stopped waiting for the reissue of order ${orderId}${request}: the deployment was cancelled. ${recorded}`,
    "read-failed":
      `The reissue of order ${orderId} was requested and is recorded in state, but following it failed: ` +
      `${messageOf(outcome.error)}. \`pulumi refresh\` will follow it; no second reissue is sent.`,
    never:
      `Order ${orderId} is ${state.status} at DigiCert; its reissue will not be issued. It is recorded in state: ` +
      "the next `pulumi up` places a new order for it (or keeps this one with `replaceWhenTerminal: false`).",
    timeout:
      `The reissue of order ${orderId}${requestOf(state.reissue)} is pending at DigiCert (status ${state.status}) ` +
      `and did not reach "${target}" within waitTimeout ${timeoutText}. ${recorded}`,
  };
  throw new PartialFailure(orderId, stateOf(state), message[outcome.why]);
}

function pendingRecord(
  requested: ReissuedInputs,
  requestId: number | undefined,
  replacesCertificateId: number | undefined,
): ReissueRecord {
  return withoutUndefined({ status: "pending", requested, requestId, replacesCertificateId });
}

/** The inputs a reissue carries, as declared. */
function reissuedInputsOf(inputs: CodeSigningOrderInputs): ReissuedInputs {
  return withoutUndefined({
    certificate: inputs.certificate,
    csProvisioningMethod: inputs.csProvisioningMethod,
  });
}

function mergeRequests(
  known: readonly { id: number; status: string }[] | undefined,
  added: readonly { id: number; status: string }[] | undefined,
): { id: number; status: string }[] {
  const byId = new Map((known ?? []).map((r) => [r.id, r]));
  for (const r of added ?? []) byId.set(r.id, r);
  return [...byId.values()];
}
