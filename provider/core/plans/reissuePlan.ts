import { ComputedOutputs, ReissuedInputs, ReissueRecord } from "../codecs/state";
import { certificateExpired, DAY_MS, parseApiDate } from "../dates";
import { OrderSnapshot, OrderState } from "../mapping";

/**
 * Reissues: a change of what a reissue can carry (`certificate.csr`, `.signatureHash`, `.serverPlatform`,
 * `csProvisioningMethod`) on an issued order, and a renewal inside an order that outlives its certificate, are
 * free reissues of the same order, not new orders. Three pure decisions:
 * - `planChange` (Diff, and Update again): keep, replace, reissue, wait for the pending reissue, or refuse;
 * - `planReissue` (Update, after reading the order): send the reissue, or adopt one DigiCert already has;
 * - `refreshState` (Read, and each poll of a wait): what the order's state at DigiCert means for the outputs and the
 *   applied inputs.
 *
 * State echoes the inputs the *current certificate* was issued for: a requested reissue is recorded in the
 * `reissue` output and becomes the echoed inputs only once DigiCert issues it. So a reissue DigiCert rejects or
 * cancels leaves the declaration differing from state, and the next `pulumi up` asks again.
 *
 * Over 250 lines on purpose: the three decisions share one reading of DigiCert's reissue states (pending, rejected,
 * canceled, issued), and their tables are tested together (test/unit/plans.test.ts); split, they would drift.
 */

/** What Diff knows about the order in state and what changed. */
export interface ChangeFacts {
  readonly orderId?: number;
  /** The order's status as last stored. */
  readonly status?: string;
  /** The certificate's last day (stored). */
  readonly validTill?: string;
  /** The order's own last day (stored), when DigiCert reported it. */
  readonly orderValidTill?: string;
  /** Changed inputs that only a new order can change. */
  readonly replacing: readonly string[];
  /** Changed property paths a reissue can carry (`certificate.csr`, `csProvisioningMethod`). */
  readonly reissuable: readonly string[];
  /** The reissue last requested, if any. */
  readonly reissue?: ReissueRecord;
  /** The declaration asks for exactly what `reissue` asked for ("unknown": values not known yet, in preview). */
  readonly asksRecordedReissue: boolean | "unknown";
  /** Declared: renew this many days before the certificate's `validTill`. */
  readonly renewBeforeDays?: number;
  readonly now: number;
}

export type ChangePlan =
  /** Nothing to ask DigiCert for. */
  | { readonly kind: "keep" }
  /** A new order (billed); the old one is handled as `onDelete` says. */
  | {
      readonly kind: "replace";
      readonly reason: "definition" | "renewal";
      /** For the preview, why a renewal replaces (on `validTill`); a definition change replaces on its inputs. */
      readonly explanation?: string;
    }
  /** One reissue request carrying the declaration: no new order, same order ID. */
  | { readonly kind: "reissue"; readonly reason: "definition" | "renewal"; readonly explanation: string }
  /** The reissue the declaration asks for is already pending at DigiCert: nothing to send. */
  | { readonly kind: "await-reissue"; readonly explanation: string }
  /** The declaration asks for a different reissue while one is pending: refused, naming the property. */
  | { readonly kind: "refuse"; readonly property: string; readonly reason: string };

/** Diff: what a change of the certificate-defining inputs, or a due renewal, means for this order. Pure. */
export function planChange(facts: ChangeFacts): ChangePlan {
  const { orderId, status, reissuable, replacing } = facts;
  if (replacing.length > 0) return { kind: "replace", reason: "definition" };
  const pending = status === "reissue_pending" || facts.reissue?.status === "pending";
  if (reissuable.length > 0 && pending) {
    if (facts.asksRecordedReissue === "unknown") {
      return {
        kind: "await-reissue",
        explanation: `order ${orderId} has a reissue pending at DigiCert; ${reissuable.join(", ")} is not known yet: judged again at \`pulumi up\``,
      };
    }
    if (facts.asksRecordedReissue === true && facts.reissue?.status === "pending") {
      return {
        kind: "await-reissue",
        explanation: `the reissue of order ${orderId} you declared${requestOf(facts.reissue)} is pending at DigiCert: nothing to send (\`pulumi refresh\` follows it)`,
      };
    }
    return {
      kind: "refuse",
      property: reissuable[0]!,
      reason:
        `cannot change while order ${orderId} has a reissue pending at DigiCert${requestOf(facts.reissue)}` +
        (facts.reissue === undefined ? " (not requested by Pulumi)" : "") +
        ": DigiCert takes one reissue at a time. Keep the value it asks for until `pulumi refresh` shows it issued, " +
        "rejected or canceled (or cancel it in CertCentral), then change it",
    };
  }
  // A reissue pending and nothing else asked: wait for it (a due renewal is not a second reissue).
  if (pending && reissuable.length === 0) return { kind: "keep" };
  const issued = status === "issued" && !certificateExpired(facts.validTill, facts.now);
  const renewal = renewalOf(facts);
  if (reissuable.length > 0) {
    if (status === "issued" && !issued) {
      return {
        kind: "replace",
        reason: "definition",
        explanation: `${reissuable.join(", ")} changed: certificate expired (validTill ${facts.validTill}): new order; a reissue needs a certificate that has not run out`,
      };
    }
    if (!issued) {
      return {
        kind: "replace",
        reason: "definition",
        explanation: `${reissuable.join(", ")} changed: new order (the current one is not issued yet: order ${orderId} is ${status ?? "unknown"}); a reissue needs an issued order`,
      };
    }
    if (renewal !== undefined && !renewal.orderCovers) {
      return { kind: "replace", reason: "renewal", explanation: renewal.explanation };
    }
    return {
      kind: "reissue",
      reason: "definition",
      explanation: `${reissuable.join(", ")} changed: reissue of order ${orderId} (no new order)${turnedDown(facts.reissue)}`,
    };
  }
  if (renewal !== undefined) {
    return renewal.orderCovers
      ? { kind: "reissue", reason: "renewal", explanation: renewal.explanation + turnedDown(facts.reissue) }
      : { kind: "replace", reason: "renewal", explanation: renewal.explanation };
  }
  return { kind: "keep" };
}

/**
 * A due renewal, and whether the order itself covers it: a reissued certificate lives till the order's end at
 * most, so a reissue renews only when the order runs past the renewal window (else it would be due again at once).
 */
function renewalOf(facts: ChangeFacts): { orderCovers: boolean; explanation: string } | undefined {
  const { renewBeforeDays: days, validTill, status, orderId, now } = facts;
  if (days === undefined || validTill === undefined) return undefined;
  if (status !== undefined && status !== "issued") return undefined;
  const till = parseApiDate(validTill);
  if (till === undefined || now < till - days * DAY_MS) return undefined;
  const due = `the certificate of order ${orderId} is valid till ${validTill}, within renewBeforeDays (${days})`;
  const orderTill = facts.orderValidTill === undefined ? undefined : parseApiDate(facts.orderValidTill);
  if (orderTill !== undefined && now < orderTill - days * DAY_MS) {
    return {
      orderCovers: true,
      explanation: `${due}; order ${orderId} itself runs till ${facts.orderValidTill}: renewal by reissue of order ${orderId} (no new order)`,
    };
  }
  return {
    orderCovers: false,
    explanation:
      `${due}: a renewal order (a new paid order) will be placed` +
      (facts.orderValidTill === undefined
        ? ""
        : ` (order ${orderId} itself runs out ${facts.orderValidTill})`),
  };
}

/** " (request N)" for messages, where the reissue's request ID is known. */
export function requestOf(reissue: ReissueRecord | undefined): string {
  return reissue?.requestId === undefined ? "" : ` (request ${reissue.requestId})`;
}

function turnedDown(reissue: ReissueRecord | undefined): string {
  return reissue !== undefined && reissue.status !== "pending"
    ? `; the earlier reissue${requestOf(reissue)} was ${reissue.status} at DigiCert, so it is requested again`
    : "";
}

/** What Update learned from order info right before it would send a reissue. */
export interface ReissueFacts {
  readonly orderId: number;
  /** The certificate the reissue replaces: the one in state when the reissue was first planned. */
  readonly certificateId?: number;
  /** Requests the resource already knew of. */
  readonly knownRequestIds: readonly number[];
  /** The CSR the declaration asks for, whitespace removed. */
  readonly requestedCsr?: string;
  /** The CSR the current certificate was issued for (state), whitespace removed. */
  readonly currentCsr?: string;
  /** DigiCert's view now, or "gone". */
  readonly order: OrderNow | "gone";
}

/** The order as DigiCert reports it now: the parts of its snapshot a reissue decision reads (it may be terminal). */
export type OrderNow = Pick<OrderSnapshot, "status" | "certificateId" | "csr" | "requests">;

export type ReissuePlan =
  | { readonly kind: "send"; readonly replacesCertificateId?: number }
  /** DigiCert has a pending reissue for this very declaration (an earlier answer was lost): nothing is sent. */
  | {
      readonly kind: "adopt-pending";
      readonly requestId?: number;
      readonly replacesCertificateId?: number;
      readonly reason: string;
    }
  /** DigiCert already issued it (an earlier answer was lost, and it was issued since): nothing is sent. */
  | { readonly kind: "adopt-issued"; readonly reason: string }
  | { readonly kind: "refuse"; readonly reason: string };

/**
 * Update, before a reissue: send it only if DigiCert has none for this declaration, pending or issued. This is what
 * keeps a reissue from being sent twice when an earlier answer was lost. Pure.
 */
export function planReissue(facts: ReissueFacts): ReissuePlan {
  const { orderId, order } = facts;
  if (order === "gone") {
    return {
      kind: "refuse",
      reason: `Order ${orderId} no longer exists at DigiCert: nothing to reissue. Run \`pulumi refresh\` (it removes the order from state); the next \`pulumi up\` places a new order.`,
    };
  }
  const csrDiffers =
    order.csr !== undefined && facts.requestedCsr !== undefined && order.csr !== facts.requestedCsr;
  const unknownReissue = newestUnknownReissue(order, facts.knownRequestIds);
  if (order.status === "reissue_pending") {
    // While a reissue is pending DigiCert may still report the current certificate's CSR: only a third one is foreign.
    if (csrDiffers && order.csr !== facts.currentCsr) {
      return {
        kind: "refuse",
        reason:
          `Order ${orderId} has a reissue pending at DigiCert for another CSR than the one declared (not requested ` +
          "by this declaration). No reissue was sent: DigiCert takes one at a time. Let it finish or cancel it in " +
          "CertCentral, run `pulumi refresh`, then `pulumi up`.",
      };
    }
    return {
      kind: "adopt-pending",
      requestId: unknownReissue?.id,
      replacesCertificateId: facts.certificateId,
      reason: `order ${orderId} already has a reissue pending at DigiCert${unknownReissue ? ` (request ${unknownReissue.id})` : ""} for this declaration: adopting it, not sending another`,
    };
  }
  if (order.status !== "issued") {
    return {
      kind: "refuse",
      reason:
        `Order ${orderId} is ${order.status} at DigiCert, not issued: DigiCert reissues only issued orders, and ` +
        "no reissue was sent. Run `pulumi refresh`; the next `pulumi up` then plans what fits (a new order for " +
        "an order that is not issued).",
    };
  }
  const certificateChanged =
    order.certificateId !== undefined &&
    facts.certificateId !== undefined &&
    order.certificateId !== facts.certificateId;
  const sameRequest =
    order.csr !== undefined && facts.requestedCsr !== undefined
      ? !csrDiffers
      : order.csr === undefined && facts.requestedCsr === undefined && unknownReissue !== undefined;
  // The certificate DigiCert holds now was issued for the declared CSR (a reissue whose answer was lost, issued
  // and refreshed into state since): nothing to send.
  const carriesDeclaredCsr =
    order.csr !== undefined &&
    !csrDiffers &&
    facts.currentCsr !== undefined &&
    order.csr !== facts.currentCsr;
  if ((certificateChanged && sameRequest) || carriesDeclaredCsr) {
    return {
      kind: "adopt-issued",
      reason: `order ${orderId} already carries a reissued certificate ${order.certificateId} for this declaration: adopting it, not sending another reissue`,
    };
  }
  // DigiCert may keep an order `issued` while a reissue is pending: an open reissue request unknown to state, with
  // the certificate unchanged, is the one an earlier (lost) answer was about. A second one would replace it.
  if (!certificateChanged && unknownReissue !== undefined && isOpenRequest(unknownReissue.status)) {
    return {
      kind: "adopt-pending",
      requestId: unknownReissue.id,
      replacesCertificateId: order.certificateId ?? facts.certificateId,
      reason: `order ${orderId} already has a reissue request ${unknownReissue.id} open at DigiCert (status ${unknownReissue.status}): adopting it, not sending another`,
    };
  }
  return { kind: "send", replacesCertificateId: order.certificateId ?? facts.certificateId };
}

/** A reissue request not decided yet, or approved and not issued yet (its certificate would be in order info). */
function isOpenRequest(status: string): boolean {
  return ["pending", "submitted", "approved"].includes(status);
}

function newestUnknownReissue(order: OrderNow, known: readonly number[]) {
  return [...order.requests]
    .filter((r) => !known.includes(r.id) && (r.type === undefined || r.type.replace(/ /g, "_") === "reissue"))
    .sort((a, b) => b.id - a.id)[0];
}

/** Outputs that describe the current certificate: kept as they are while a reissue is pending. */
export const CERTIFICATE_OUTPUTS = [
  "certificateId",
  "serialNumber",
  "thumbprint",
  "validFrom",
  "validTill",
  "dateIssued",
  "certificatePem",
  "chainPem",
  "downloadedCertificateId",
  "hardwareInitCode",
] as const;

/** What a refresh records: the new computed outputs, and the inputs now applied when a reissue was issued. */
export interface RefreshedState {
  readonly computed: ComputedOutputs;
  /** Set when the requested reissue was issued: these inputs are now what the certificate was issued for. */
  readonly applied?: ReissuedInputs;
}

/**
 * Read: DigiCert's order state merged into the stored outputs. While a reissue is pending the current certificate
 * stays in the outputs; once another certificate is issued it replaces it (and the requested inputs become the
 * applied ones); an order back at `issued` with the same certificate means the reissue was rejected or canceled,
 * recorded in `reissue.status`. Pure.
 */
export function refreshState(stored: ComputedOutputs, fresh: OrderState): RefreshedState {
  let computed: ComputedOutputs = { ...stored, ...fresh };
  if (fresh.status === "reissue_pending" && stored.certificateId !== undefined) {
    for (const key of CERTIFICATE_OUTPUTS) computed = { ...computed, [key]: stored[key] };
  }
  // Another certificate's hardware init code is not this one's: DigiCert's answer says whether this one has any
  // (a reissue from client_app to email has none).
  if (computed.certificateId !== stored.certificateId && fresh.hardwareInitCode === undefined)
    computed = { ...computed, hardwareInitCode: undefined };
  // A certificate whose PEM is not this one's: the stale PEM goes (the download fetches the right one).
  if (computed.downloadedCertificateId !== computed.certificateId) {
    computed = {
      ...computed,
      certificatePem: undefined,
      chainPem: undefined,
      downloadedCertificateId: undefined,
    };
  }
  const record = stored.reissue;
  if (record?.status !== "pending" || fresh.status !== "issued") return { computed };
  const replaced = record.replacesCertificateId ?? stored.certificateId;
  if (fresh.certificateId !== undefined && fresh.certificateId !== replaced) {
    return { computed: { ...computed, reissue: undefined }, applied: record.requested };
  }
  const request = fresh.requests.find((r) => r.id === record.requestId);
  // DigiCert may keep the order `issued` while the reissue is pending: its request, still open, says so.
  if (request !== undefined && isOpenRequest(request.status)) return { computed };
  const status = request?.status === "rejected" ? "rejected" : "canceled";
  return { computed: { ...computed, reissue: { ...record, status } } };
}
