/**
 * Order and request state transitions (reference §15), shared by the HTTP API, the control plane and the
 * programmatic control methods. Every function takes the clock reading so results are deterministic.
 */
import { createHash } from "node:crypto";
import { addDays, addYears, DAY_MS, formatDay, parseDay, startOfDay } from "./dates";
import {
  alreadyRevoked,
  invalidStatus,
  invalidValue,
  notEligibleForRenewal,
  orderNotFound,
  validationFailed,
} from "./errors";
import { Store, StoredCertificate, StoredOrder, StoredReissue, StoredRequest } from "./store";
import { IssueOptions, ReissueOrderStatus } from "./types";
import { OrderValidity, ValidatedPlacement, ValidatedReissue } from "./validation";
import { DistinguishedName, issueLeaf } from "./x509";

/** DigiCert caps each code signing certificate at 459 days since 2026-02-24 (reference §2.1). */
export const MAX_CERTIFICATE_DAYS = 459;

const TERMINAL_STATUSES = ["rejected", "canceled", "revoked", "expired"];
const OPEN_REQUEST_STATUSES = ["pending", "submitted"];

export const isOpenRequest = (request: StoredRequest): boolean =>
  OPEN_REQUEST_STATUSES.includes(request.status);

export function requireOrder(store: Store, orderId: number): StoredOrder {
  const order = store.order(orderId);
  if (!order) throw orderNotFound();
  return order;
}

/** Where the order (not the certificate) ends, counted from `startMs`. */
export function validityEnd(validity: OrderValidity, startMs: number): number {
  switch (validity.kind) {
    case "years":
      return addYears(startMs, validity.years);
    case "days":
      return addDays(startMs, validity.days);
    case "custom":
      return validity.expiresAt;
  }
}

/**
 * Where the order ends (ms). The order's validity is counted from its first certificate's valid_from once issued
 * (DigiCert's order validity covers the certificates issued under it), and from the day it was placed until then
 * (an estimate: DigiCert does not say when an unissued order's validity starts).
 */
export function orderEnd(order: StoredOrder): number {
  return validityEnd(order.placement.orderValidity, order.validityStart ?? startOfDay(order.dateCreated));
}

export function orderValidTill(order: StoredOrder): string {
  return formatDay(orderEnd(order));
}

const hexDigest = (algorithm: string, seed: string): string =>
  createHash(algorithm).update(seed).digest("hex").toUpperCase();

/**
 * 16 serial bytes derived from the certificate id, so serials are reproducible; the first byte is kept in
 * 0x01-0x7F so the positive DER integer and the hex DigiCert shows have the same 32 digits.
 */
function serialBytesFor(certificateId: number): Buffer {
  const bytes = createHash("sha256").update(`serial:${certificateId}`).digest().subarray(0, 16);
  bytes[0] = bytes[0] & 0x7f || 0x01;
  return bytes;
}

/** The DigiCert Hardware Certificate Installer code of a token certificate (one per certificate). */
export const hardwareInitCodeFor = (certificateId: number): string =>
  hexDigest("sha256", `init:${certificateId}`).slice(0, 16);

export function placeOrder(
  store: Store,
  placement: ValidatedPlacement,
  body: unknown,
  now: number,
): { order: StoredOrder; request: StoredRequest; createdOrganizationId?: number } {
  if (placement.renewalOfOrderId !== undefined) {
    const original = store.order(placement.renewalOfOrderId);
    if (!original || original.status !== "issued") throw notEligibleForRenewal(placement.renewalOfOrderId);
  }
  let organizationId: number;
  let createdOrganizationId: number | undefined;
  if (placement.organization.kind === "existing") {
    // The emulator knows no account data, so any organization id is taken to exist.
    organizationId = placement.organization.id;
  } else {
    organizationId = createdOrganizationId = store.allocateId("organization");
    store.addOrganization({ id: organizationId, details: placement.organization.details });
  }
  const order: StoredOrder = {
    id: store.allocateId("order"),
    product: placement.product,
    status: placement.skipApproval ? "pending" : "needs_approval",
    body,
    placement,
    requestIds: [],
    organizationId,
    isRenewed: false,
    dateCreated: now,
    reissues: [],
    previousCertificates: [],
  };
  const request: StoredRequest = {
    id: store.allocateId("request"),
    orderId: order.id,
    type: "new_request",
    status: placement.skipApproval ? "approved" : "pending",
    date: now,
    dateProcessed: placement.skipApproval ? now : undefined,
    comments: placement.comments,
  };
  store.addOrder(order);
  store.addRequest(request);
  // DigiCert returns certificate_id once the request is approved.
  if (placement.skipApproval) order.certificate = { id: store.allocateId("certificate") };
  return { order, request, createdOrganizationId };
}

function ensureCertificate(store: Store, order: StoredOrder): StoredCertificate {
  if (!order.certificate) order.certificate = { id: store.allocateId("certificate") };
  return order.certificate;
}

export function approveRequest(store: Store, request: StoredRequest, now: number, comment?: string): void {
  if (!isOpenRequest(request)) throw invalidStatus(`Request ${request.id} is already ${request.status}.`);
  const order = requireOrder(store, request.orderId);
  request.status = "approved";
  request.dateProcessed = now;
  request.processorComment = comment;
  if (request.type === "revoke") {
    order.status = "revoked";
    return;
  }
  // An approved reissue waits for DigiCert to issue it (control: issueReissue).
  if (request.type === "reissue") return;
  if (order.status === "needs_approval") order.status = "pending";
  ensureCertificate(store, order);
}

export function rejectRequest(store: Store, request: StoredRequest, now: number, comment?: string): void {
  if (!isOpenRequest(request)) throw invalidStatus(`Request ${request.id} is already ${request.status}.`);
  const order = requireOrder(store, request.orderId);
  request.status = "rejected";
  request.dateProcessed = now;
  request.processorComment = comment;
  // A rejected revoke request leaves the certificate issued; a rejected reissue request returns the order to
  // issued (reference §7.3); a rejected order request ends the order.
  if (request.type === "new_request") order.status = "rejected";
  if (request.type === "reissue") endReissue(order, request.id);
}

/** Control: approve the order's oldest open request (its order request, or a pending revoke request). */
export function approveOrder(store: Store, orderId: number, now: number): void {
  const order = requireOrder(store, orderId);
  const open = store.requestsOf(order).find(isOpenRequest);
  if (open) return approveRequest(store, open, now);
  if (order.status === "needs_approval") {
    // Reached through setStatus: no open request, but the order still waits for approval.
    order.status = "pending";
    ensureCertificate(store, order);
    return;
  }
  throw invalidStatus(`Order ${orderId} has no request waiting for approval (status ${order.status}).`);
}

/** Control: reject a pending revoke request, or reject the order (DigiCert or the approver said no). */
export function rejectOrder(store: Store, orderId: number, now: number): void {
  const order = requireOrder(store, orderId);
  const openRevoke = store.requestsOf(order).find((r) => r.type === "revoke" && isOpenRequest(r));
  if (openRevoke) return rejectRequest(store, openRevoke, now);
  if (pendingReissue(order)) return rejectReissue(store, orderId, now);
  if (order.status === "issued" || TERMINAL_STATUSES.includes(order.status)) {
    throw invalidStatus(`Order ${orderId} cannot be rejected while its status is ${order.status}.`);
  }
  const newRequest = store.newRequestOf(order);
  if (newRequest) {
    newRequest.status = "rejected";
    newRequest.dateProcessed = now;
  }
  order.status = "rejected";
}

function dayOption(field: "validFrom" | "validTill", value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDay(value);
  if (ms === undefined) throw validationFailed([invalidValue(field, "expected yyyy-MM-dd.")]);
  return ms;
}

/**
 * The validity of a certificate issued now: from `validFrom` (default today) to `validTill` (default the order's
 * end, capped at 459 days: a 3-year order is covered by reissues, reference §2.1).
 */
function certificateValidity(
  order: StoredOrder,
  options: IssueOptions,
  now: number,
): { validFromMs: number; validTillMs: number } {
  const validFromMs = dayOption("validFrom", options.validFrom) ?? startOfDay(now);
  const end =
    order.validityStart === undefined
      ? validityEnd(order.placement.orderValidity, validFromMs)
      : orderEnd(order);
  const cappedEnd = Math.min(end, addDays(validFromMs, MAX_CERTIFICATE_DAYS));
  const validTillMs = dayOption("validTill", options.validTill) ?? cappedEnd;
  if (validTillMs <= validFromMs)
    throw validationFailed([invalidValue("validTill", "must be after validFrom.")]);
  return { validFromMs, validTillMs };
}

/** The certificate's subject: DigiCert takes it from the organization, never from the CSR. */
function subjectOf(store: Store, order: StoredOrder): DistinguishedName {
  const details = store.organization(order.organizationId)?.details;
  const organization = details?.name ?? `Emulated Organization ${order.organizationId}`;
  return {
    country: details?.country ?? "US",
    state: details?.state,
    locality: details?.city,
    organization,
    organizationalUnits: order.placement.organizationUnits,
    commonName: order.placement.commonName ?? organization,
  };
}

/** Fills a certificate with real X.509 material: serial, thumbprint and dates match its PEM. */
function fillIssued(
  store: Store,
  order: StoredOrder,
  certificate: StoredCertificate,
  csr: string | undefined,
  validity: { validFromMs: number; validTillMs: number },
  now: number,
): void {
  const leaf = issueLeaf({
    serial: serialBytesFor(certificate.id),
    subject: subjectOf(store, order),
    notBefore: validity.validFromMs,
    // valid_till is a day: the certificate runs to its last second.
    notAfter: validity.validTillMs + DAY_MS - 1000,
    csr,
  });
  certificate.serialNumber = leaf.serialNumber;
  certificate.thumbprint = leaf.thumbprint;
  certificate.pem = leaf.pem;
  certificate.keySize = leaf.keySize;
  certificate.validFrom = formatDay(validity.validFromMs);
  certificate.validTill = formatDay(validity.validTillMs);
  certificate.dateIssued = now;
}

/** Control: DigiCert issued the certificate (or the pending reissue). Approves an open request on the way. */
export function issueOrder(store: Store, orderId: number, options: IssueOptions, now: number): void {
  const order = requireOrder(store, orderId);
  if (pendingReissue(order)) return issueReissue(store, orderId, options, now);
  if (TERMINAL_STATUSES.includes(order.status)) {
    throw invalidStatus(`Order ${orderId} cannot be issued while its status is ${order.status}.`);
  }
  const validity = certificateValidity(order, options, now);
  const newRequest = store.newRequestOf(order);
  if (newRequest && isOpenRequest(newRequest)) {
    newRequest.status = "approved";
    newRequest.dateProcessed = now;
  }
  const certificate = ensureCertificate(store, order);
  fillIssued(store, order, certificate, order.placement.csr, validity, now);
  order.validityStart ??= validity.validFromMs;
  order.status = "issued";

  if (order.placement.renewalOfOrderId !== undefined) {
    const original = store.order(order.placement.renewalOfOrderId);
    if (original) {
      original.isRenewed = true;
      original.renewedOrderId = order.id;
    }
  }
}

export const pendingReissue = (order: StoredOrder): StoredReissue | undefined =>
  order.reissues.find((reissue) => reissue.status === "pending");

/** The pending reissue of request `requestId` is over without a certificate: the order is issued again. */
function endReissue(order: StoredOrder, requestId: number): void {
  const reissue = order.reissues.find((r) => r.requestId === requestId && r.status === "pending");
  if (!reissue) return;
  reissue.status = "rejected";
  if (order.status === "reissue_pending") order.status = "issued";
}

/**
 * POST /order/certificate/{id}/reissue. Only an issued order can be reissued (a pending reissue is replaced: the
 * older request is rejected, as DigiCert's retail API documents for a second reissue). The new certificate gets
 * its id now; the order shows `reissue_pending` (or stays `issued`, see ReissueOrderStatus) and keeps its current
 * certificate until the reissue is issued. Returns the reissue request.
 */
export function requestReissue(
  store: Store,
  order: StoredOrder,
  reissue: ValidatedReissue,
  options: { pendingStatus: ReissueOrderStatus },
  now: number,
): StoredRequest {
  const issued = order.status === "issued" || order.status === "reissue_pending";
  if (!issued || order.certificate?.dateIssued === undefined) {
    throw invalidStatus(`Only issued orders can be reissued; order ${order.id} is ${order.status}.`);
  }
  if (orderEnd(order) <= startOfDay(now)) {
    throw invalidStatus(`Order ${order.id} cannot be reissued: its validity ended ${orderValidTill(order)}.`);
  }
  const replaced = pendingReissue(order);
  const request: StoredRequest = {
    id: store.allocateId("request"),
    orderId: order.id,
    type: "reissue",
    status: reissue.skipApproval ? "approved" : "pending",
    date: now,
    dateProcessed: reissue.skipApproval ? now : undefined,
    comments: reissue.comments,
  };
  if (replaced) {
    const replacedRequest = store.request(replaced.requestId);
    if (replacedRequest && replacedRequest.status !== "rejected") {
      replacedRequest.status = "rejected";
      replacedRequest.dateProcessed = now;
      replacedRequest.processorComment = `Replaced by reissue request ${request.id}.`;
    }
    replaced.status = "rejected";
  }
  store.addRequest(request);
  order.reissues.push({
    requestId: request.id,
    status: "pending",
    certificate: {
      id: store.allocateId("certificate"),
      dateCreated: now,
      request: {
        csr: reissue.csr,
        signatureHash: reissue.signatureHash,
        serverPlatformId: reissue.serverPlatformId,
        csProvisioningMethod: reissue.csProvisioningMethod,
        shipInfo:
          reissue.shipInfo ??
          (reissue.csProvisioningMethod === "ship_token" ? order.placement.shipInfo : undefined),
      },
    },
  });
  order.status = options.pendingStatus;
  return request;
}

/**
 * Control: DigiCert issued the pending reissue (approving its request on the way). The reissue's certificate
 * becomes the order's: new id, serial, thumbprint, PEM and validity (from today, at most 459 days, never past
 * the order's end); the reissue's CSR, hash, platform and provisioning method become the order's. The replaced
 * certificate stays downloadable; DigiCert revokes it within about 72 hours, which the emulator does not model.
 */
export function issueReissue(store: Store, orderId: number, options: IssueOptions, now: number): void {
  const order = requireOrder(store, orderId);
  const reissue = pendingReissue(order);
  if (!reissue) throw invalidStatus(`Order ${orderId} has no pending reissue.`);
  const validity = certificateValidity(order, options, now);
  const request = store.request(reissue.requestId);
  if (request && isOpenRequest(request)) {
    request.status = "approved";
    request.dateProcessed = now;
  }
  const details = reissue.certificate.request;
  fillIssued(store, order, reissue.certificate, details?.csr, validity, now);
  if (order.certificate) {
    // The replaced certificate keeps what it was issued with (e.g. its provisioning method, for downloads).
    const { csr, signatureHash, serverPlatformId, csProvisioningMethod, shipInfo } = order.placement;
    order.certificate.request ??= { csr, signatureHash, serverPlatformId, csProvisioningMethod, shipInfo };
    order.previousCertificates.push(order.certificate);
  }
  order.certificate = reissue.certificate;
  reissue.status = "issued";
  if (details) {
    order.placement = {
      ...order.placement,
      csr: details.csr,
      signatureHash: details.signatureHash,
      serverPlatformId: details.serverPlatformId,
      csProvisioningMethod: details.csProvisioningMethod,
      shipInfo: details.shipInfo,
    };
  }
  order.status = "issued";
}

/** Control: the reissue was rejected (by the approver or DigiCert); the order keeps its current certificate. */
export function rejectReissue(store: Store, orderId: number, now: number, comment?: string): void {
  const order = requireOrder(store, orderId);
  const reissue = pendingReissue(order);
  if (!reissue) throw invalidStatus(`Order ${orderId} has no pending reissue.`);
  const request = store.request(reissue.requestId);
  if (request && request.status !== "rejected") {
    request.status = "rejected";
    request.dateProcessed = now;
    request.processorComment = comment;
  }
  endReissue(order, reissue.requestId);
}

/**
 * PUT /order/certificate/{id}/status canceled. DigiCert documents cancel from pending, waiting_pickup and
 * reissue_pending (which cancels the reissue: back to issued). Cancel from needs_approval is not documented; the
 * emulator allows it (assumption) and marks the open order request rejected, since nobody can approve it any more.
 */
export function cancelOrder(store: Store, order: StoredOrder, note: string, now: number): void {
  // Canceling a reissue: the reissue request is rejected with the note as processor_comment (reference §8).
  if (pendingReissue(order)) return rejectReissue(store, order.id, now, note);
  if (order.status === "reissue_pending") {
    order.status = "issued";
    return;
  }
  if (!["pending", "waiting_pickup", "needs_approval"].includes(order.status)) {
    throw invalidStatus(`Order ${order.id} cannot be canceled while its status is ${order.status}.`);
  }
  for (const request of store.requestsOf(order).filter(isOpenRequest)) {
    request.status = "rejected";
    request.dateProcessed = now;
    request.processorComment = note;
  }
  order.status = "canceled";
}

/**
 * Revoke the order's certificate. Returns the revoke request when one is created (answer 201), or undefined
 * when the certificate was revoked directly (answer 204). A second revoke while a revoke request is still
 * pending returns that same request rather than a second one (DigiCert's answer here is unconfirmed).
 */
export function revokeOrder(
  store: Store,
  order: StoredOrder,
  options: { comments?: string; skipApproval: boolean; requiresApproval: boolean },
  now: number,
): StoredRequest | undefined {
  if (order.status === "revoked") throw alreadyRevoked();
  if (pendingReissue(order)) {
    throw invalidStatus(`Order ${order.id} has a pending reissue: cancel it before revoking (reference §9).`);
  }
  if (order.status !== "issued") {
    throw invalidStatus(`Only issued orders can be revoked; order ${order.id} is ${order.status}.`);
  }
  const pending = store.requestsOf(order).find((r) => r.type === "revoke" && isOpenRequest(r));
  if (pending) return pending;
  if (options.skipApproval && !options.requiresApproval) {
    order.status = "revoked";
    return undefined;
  }
  const request: StoredRequest = {
    id: store.allocateId("request"),
    orderId: order.id,
    type: "revoke",
    status: "pending",
    date: now,
    comments: options.comments,
  };
  store.addRequest(request);
  return request;
}

/**
 * "on-read" auto progress: one step needs_approval→pending→issued per order info read; a pending reissue has its
 * request approved, then is issued.
 */
export function autoProgressStep(store: Store, order: StoredOrder, now: number): void {
  const reissue = pendingReissue(order);
  if (reissue) {
    const request = store.request(reissue.requestId);
    if (request && isOpenRequest(request)) approveRequest(store, request, now);
    else issueReissue(store, order.id, {}, now);
  } else if (order.status === "needs_approval") approveOrder(store, order.id, now);
  else if (order.status === "pending") issueOrder(store, order.id, {}, now);
}
