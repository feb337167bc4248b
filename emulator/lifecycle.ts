/**
 * Order and request state transitions (reference §15), shared by the HTTP API, the control plane and the
 * programmatic control methods. Every function takes the clock reading so results are deterministic.
 */
import { createHash } from "node:crypto";
import { addDays, addYears, formatDay, parseDay, startOfDay } from "./dates";
import {
  alreadyRevoked,
  invalidStatus,
  invalidValue,
  notEligibleForRenewal,
  orderNotFound,
  validationFailed,
} from "./errors";
import { Store, StoredCertificate, StoredOrder, StoredRequest } from "./store";
import { IssueOptions } from "./types";
import { OrderValidity, ValidatedPlacement } from "./validation";

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

export function orderValidTill(order: StoredOrder): string {
  return formatDay(validityEnd(order.placement.orderValidity, startOfDay(order.dateCreated)));
}

const hexDigest = (algorithm: string, seed: string): string =>
  createHash(algorithm).update(seed).digest("hex").toUpperCase();

// Serial numbers and thumbprints are derived from the certificate id so runs are reproducible.
const serialNumberFor = (certificateId: number): string =>
  hexDigest("sha256", `serial:${certificateId}`).slice(0, 32);
const thumbprintFor = (certificateId: number): string => hexDigest("sha1", `thumbprint:${certificateId}`);

export const hardwareInitCodeFor = (orderId: number): string =>
  hexDigest("sha256", `init:${orderId}`).slice(0, 16);

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
  if (order.status === "needs_approval") order.status = "pending";
  ensureCertificate(store, order);
}

export function rejectRequest(store: Store, request: StoredRequest, now: number, comment?: string): void {
  if (!isOpenRequest(request)) throw invalidStatus(`Request ${request.id} is already ${request.status}.`);
  const order = requireOrder(store, request.orderId);
  request.status = "rejected";
  request.dateProcessed = now;
  request.processorComment = comment;
  // A rejected revoke request leaves the certificate issued; a rejected order request ends the order.
  if (request.type === "new_request") order.status = "rejected";
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

/** Control: DigiCert issued the certificate. Approves an open order request on the way. */
export function issueOrder(store: Store, orderId: number, options: IssueOptions, now: number): void {
  const order = requireOrder(store, orderId);
  if (TERMINAL_STATUSES.includes(order.status)) {
    throw invalidStatus(`Order ${orderId} cannot be issued while its status is ${order.status}.`);
  }
  const validFromMs = dayOption("validFrom", options.validFrom) ?? startOfDay(now);
  const cappedEnd = Math.min(
    validityEnd(order.placement.orderValidity, validFromMs),
    addDays(validFromMs, MAX_CERTIFICATE_DAYS),
  );
  const validTillMs = dayOption("validTill", options.validTill) ?? cappedEnd;
  if (validTillMs <= validFromMs)
    throw validationFailed([invalidValue("validTill", "must be after validFrom.")]);

  const newRequest = store.newRequestOf(order);
  if (newRequest && isOpenRequest(newRequest)) {
    newRequest.status = "approved";
    newRequest.dateProcessed = now;
  }
  const certificate = ensureCertificate(store, order);
  certificate.serialNumber = serialNumberFor(certificate.id);
  certificate.thumbprint = thumbprintFor(certificate.id);
  certificate.validFrom = formatDay(validFromMs);
  certificate.validTill = formatDay(validTillMs);
  certificate.dateIssued = now;
  order.status = "issued";

  if (order.placement.renewalOfOrderId !== undefined) {
    const original = store.order(order.placement.renewalOfOrderId);
    if (original) {
      original.isRenewed = true;
      original.renewedOrderId = order.id;
    }
  }
}

/**
 * PUT /order/certificate/{id}/status canceled. DigiCert documents cancel from pending, waiting_pickup and
 * reissue_pending (which cancels the reissue: back to issued). Cancel from needs_approval is not documented; the
 * emulator allows it (assumption) and marks the open order request rejected, since nobody can approve it any more.
 */
export function cancelOrder(store: Store, order: StoredOrder, note: string, now: number): void {
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

/** "on-read" auto progress: one step needs_approval→pending→issued per order info read. */
export function autoProgressStep(store: Store, order: StoredOrder, now: number): void {
  if (order.status === "needs_approval") approveOrder(store, order.id, now);
  else if (order.status === "pending") issueOrder(store, order.id, {}, now);
}
