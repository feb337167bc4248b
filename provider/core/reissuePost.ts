import { OrderInfoResponse } from "../client/answers";
import { CodeSigningOrderInputs } from "./codecs/inputs";
import { LifecycleContext, messageOf } from "./lifecycleContext";
import { reissueRequestBody } from "./mapping";
import { reissuePostSubject } from "./pendingPosts";
import { ReissuePlan } from "./plans";
import { describeUnanswered, Look, sendOnce, Unanswered } from "./sendOnce";

/**
 * The reissue POST, sent once: what the send-once engine's outcomes mean for a reissue.
 */
export type SendOutcome =
  | {
      readonly kind: "sent";
      readonly requestId?: number;
      readonly requests: { id: number; status: string }[];
    }
  | { readonly kind: "found"; readonly plan: SettledReissuePlan; readonly info?: OrderInfoResponse };

/** What a reissue plan says once nothing is left to send: refuse, or adopt what DigiCert has. */
export type SettledReissuePlan = Exclude<ReissuePlan, { readonly kind: "send" }>;

/**
 * POSTs the reissue through the send-once engine (sendOnce.ts), the rules order placement follows. After an answer
 * that may hide an acceptance the order is read again (`recheck`) and a reissue it shows is adopted, never a second
 * one sent; this words what each outcome means for the reissue.
 */
export async function requestReissueOnce(
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
    find: async (unanswered): Promise<Look<Extract<SendOutcome, { kind: "found" }>>> => {
      const info = await ctx.client.orderInfoIfExists(orderId);
      const plan = recheck(info);
      if (plan.kind === "send") return { kind: "none" };
      if (plan.kind !== "refuse")
        ctx.log(
          `the answer to the reissue of order ${orderId} was lost (${lost(unanswered)}): ${plan.reason}`,
        );
      return { kind: "found", found: { kind: "found", plan, info }, settled: true };
    },
  });
  const failure = "error" in outcome ? messageOf(outcome.error) : "";
  switch (outcome.kind) {
    case "sent": {
      const requests = (outcome.value?.requests ?? []).map((r) => ({
        id: r.id,
        status: r.status ?? "pending",
      }));
      const requestId = requests.length === 0 ? undefined : Math.max(...requests.map((r) => r.id));
      ctx.log(
        `reissue of order ${orderId} requested${requestId === undefined ? "" : ` (request ${requestId})`}: no new order`,
      );
      return { kind: "sent", requestId, requests };
    }
    case "found":
      return outcome.found;
    case "refused":
      throw new Error(
        `DigiCert refused the reissue of order ${orderId}: ${failure}. No reissue was requested and state is ` +
          "unchanged; fix the declaration (or the order in CertCentral) and run `pulumi up` again.",
      );
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
        `${failure}. DigiCert refused the reissue with HTTP 429 (rate limit) for ` +
          `${Math.round(outcome.refusedForMs / 1000)} s; a 429 is a refusal, so no reissue was requested by these ` +
          "attempts" +
          (outcome.unanswered === undefined
            ? ". "
            : `, and order ${orderId} shows no reissue from the earlier unanswered attempt. `) +
          "Other deployments may be using the same API key: run `pulumi up` again when they are done.",
      );
    case "look-up-failed":
      throw new Error(
        `${lost(outcome.unanswered)}. The reissue of order ${orderId} may have reached DigiCert, and reading the ` +
          `order failed too (${failure}). ${nextRun}`,
      );
  }
}
