/**
 * The emulated CertCentral Services API v2 routes (paths after /services/v2). Authentication, rate limiting,
 * faults and recording happen in `server.ts` before and after these handlers run.
 */
import * as t from "io-ts";
import {
  DecodedPathSegment,
  IdFromPathSegment,
  OrderPlacementBody,
  OrderStatusBody,
  PageQuery,
  ReissueBody,
  RequestStatusBody,
  ResourceKey,
  ResourceKeyFromPathSegment,
  RevokeBody,
} from "./codecs";
import { decodeOrThrow, decodeOrUndefined } from "./decoding";
import {
  badRequestFormat,
  certificateNotFound,
  certificateNotIssued,
  downloadNotAllowed,
  ErrorEntry,
  invalidValue,
  missingField,
  orderNotFound,
  productNotFound,
  requestNotFound,
  unsupportedFormat,
  validationFailed,
} from "./errors";
import {
  approveRequest,
  autoProgressStep,
  cancelOrder,
  placeOrder,
  rejectRequest,
  requestReissue,
  requireOrder,
  revokeOrder,
} from "./lifecycle";
import {
  renderAlternateEntry,
  renderOrderInfo,
  renderReissueList,
  renderRequestInfo,
  renderRevokeRequest,
} from "./render";
import { Answer, dispatch, pathPattern, Route, RouteCall } from "./router";
import { EmulatorRuntime } from "./runtime";
import { StoredCertificate, StoredOrder } from "./store";
import { validateOrderPlacement, validateReissue } from "./validation";
import { certificateAuthorities, pkcs7Of } from "./x509";

/** What a handler gets besides the request: the emulator and the clock reading for this request. */
export interface ApiContext {
  runtime: EmulatorRuntime;
  now: number;
}

type ApiCall = RouteCall<ApiContext>;

const CodeSigningProductParam = t.keyof({ code_signing: null, code_signing_ev: null });

/** GET /order/alternate answers at most this many orders per page (DigiCert's maximum and default). */
const ALTERNATE_PAGE_LIMIT = 1000;

/** The JSON object body of a call; an empty body counts as {} so that missing fields are reported by name. */
function jsonObjectBody(call: ApiCall): Record<string, unknown> {
  if (call.body.kind === "malformed") throw badRequestFormat("the body is not valid JSON.");
  if (call.body.kind === "empty") return {};
  const object = decodeOrUndefined(t.UnknownRecord, call.body.value);
  if (object === undefined) throw badRequestFormat("the body must be a JSON object.");
  return object;
}

/** The order a path segment names: by order ID (or, for certificates, by certificate ID), thumbprint or serial. */
function orderByKey(
  call: ApiCall,
  key: ResourceKey | undefined,
  idKind: "order" | "certificate" = "order",
): StoredOrder | undefined {
  const store = call.context.runtime.store;
  if (key === undefined) return undefined;
  if (key.kind !== "id") return store.orderByCertificateHex(key.value);
  return idKind === "order" ? store.order(key.id) : store.orderByCertificateId(key.id);
}

function orderById(call: ApiCall): StoredOrder {
  const id = decodeOrUndefined(IdFromPathSegment, call.params[0]);
  if (id === undefined) throw orderNotFound();
  return requireOrder(call.context.runtime.store, id);
}

function placeOrderRoute(call: ApiCall): Answer {
  const product = decodeOrUndefined(CodeSigningProductParam, call.params[0]);
  if (product === undefined) throw productNotFound();
  const raw = jsonObjectBody(call);
  const body = decodeOrThrow(OrderPlacementBody, raw);
  const validated = validateOrderPlacement(product, body, call.context.now);
  if (validated._tag === "Left") throw validationFailed(validated.left);
  const { store } = call.context.runtime;
  const { order, request, createdOrganizationId } = placeOrder(store, validated.right, raw, call.context.now);
  const answer: Record<string, unknown> = {
    id: order.id,
    requests: [{ id: request.id, status: request.status }],
  };
  if (createdOrganizationId !== undefined) answer.organization = { id: createdOrganizationId };
  // DigiCert's response table: certificate_id is "returned if request status is approved".
  if (request.status === "approved" && order.certificate) answer.certificate_id = order.certificate.id;
  return { status: 201, body: answer };
}

function orderInfoRoute(call: ApiCall): Answer {
  const { runtime, now } = call.context;
  const order = orderByKey(call, decodeOrUndefined(ResourceKeyFromPathSegment, call.params[0]));
  if (!order) throw orderNotFound();
  if (runtime.settings.autoProgress === "on-read") autoProgressStep(runtime.store, order, now);
  return { status: 200, body: renderOrderInfo(runtime.store, order, now) };
}

/**
 * Cancel. DigiCert documents `status` as case sensitive today but older docs used "CANCELED", so the emulator
 * compares case-insensitively. renewed/not_renewed apply only to migrated orders, which the emulator has none of.
 */
function updateOrderStatusRoute(call: ApiCall): Answer {
  const order = orderById(call);
  const body = decodeOrThrow(OrderStatusBody, jsonObjectBody(call));
  const problems: ErrorEntry[] = [];
  if (body.status === undefined) problems.push(missingField("status"));
  else if (body.status.toLowerCase() !== "canceled") {
    problems.push(invalidValue("status", "only canceled is supported for this order."));
  }
  if (body.note === undefined || body.note.trim() === "") problems.push(missingField("note"));
  if (problems.length > 0) throw validationFailed(problems);
  cancelOrder(call.context.runtime.store, order, body.note ?? "", call.context.now);
  return { status: 204 };
}

function revoke(call: ApiCall, order: StoredOrder): Answer {
  const { runtime, now } = call.context;
  const body = decodeOrThrow(RevokeBody, jsonObjectBody(call));
  const request = revokeOrder(
    runtime.store,
    order,
    {
      comments: body.comments ?? body.comment,
      skipApproval: body.skip_approval ?? false,
      requiresApproval: runtime.settings.revokeRequiresApproval,
    },
    now,
  );
  return request === undefined ? { status: 204 } : { status: 201, body: renderRevokeRequest(request) };
}

function revokeOrderRoute(call: ApiCall): Answer {
  return revoke(call, orderById(call));
}

/** PUT /certificate/{certificate_id|serial_number}/revoke. */
function revokeCertificateRoute(call: ApiCall): Answer {
  const key = decodeOrUndefined(ResourceKeyFromPathSegment, call.params[0]);
  const order = orderByKey(call, key, "certificate");
  if (!order) throw certificateNotFound();
  return revoke(call, order);
}

/** GET /order/alternate/{alternative_order_id}; the answer when nothing matches is configurable (unconfirmed). */
function alternateLookupRoute(call: ApiCall): Answer {
  const { runtime } = call.context;
  const alternativeOrderId = decodeOrUndefined(DecodedPathSegment, call.params[0]);
  const page = decodeOrThrow(PageQuery, call.query);
  const offset = page.offset ?? 0;
  const limit = Math.min(page.limit || ALTERNATE_PAGE_LIMIT, ALTERNATE_PAGE_LIMIT);
  const matching =
    alternativeOrderId === undefined ? [] : runtime.store.ordersByAlternativeId(alternativeOrderId);
  const pageInfo = { total: matching.length, limit, offset };
  if (matching.length === 0) {
    switch (runtime.settings.alternateLookupNotFound) {
      case "404":
        throw orderNotFound();
      case "empty-list":
        return { status: 200, body: { orders: [], page: pageInfo } };
      case "omit-orders":
        return { status: 200, body: { page: pageInfo } };
    }
  }
  const orders = matching.slice(offset, offset + limit).map(renderAlternateEntry);
  return { status: 200, body: { orders, page: pageInfo } };
}

function requestByParam(call: ApiCall) {
  const id = decodeOrUndefined(IdFromPathSegment, call.params[0]);
  const request = id === undefined ? undefined : call.context.runtime.store.request(id);
  if (!request) throw requestNotFound();
  return request;
}

function requestInfoRoute(call: ApiCall): Answer {
  const { runtime, now } = call.context;
  return { status: 200, body: renderRequestInfo(runtime.store, requestByParam(call), now) };
}

/** PUT /request/{id}/status: only approved and rejected are supported (DigiCert also lists pending/submitted). */
function updateRequestStatusRoute(call: ApiCall): Answer {
  const { runtime, now } = call.context;
  const request = requestByParam(call);
  const body = decodeOrThrow(RequestStatusBody, jsonObjectBody(call));
  const status = body.status?.toLowerCase();
  if (status === undefined) throw validationFailed([missingField("status")]);
  if (status === "approved") approveRequest(runtime.store, request, now, body.processor_comment);
  else if (status === "rejected") rejectRequest(runtime.store, request, now, body.processor_comment);
  else throw validationFailed([invalidValue("status", "must be approved or rejected.")]);
  return { status: 204 };
}

/**
 * POST /order/certificate/{order_id}/reissue for a code signing order. Answers 201 like an order placement:
 * `{ id: <order id>, requests: [{ id, status }] }` (no certificate_id: DigiCert's answer does not link the request
 * to the new certificate; it appears in order info once issued).
 */
function reissueRoute(call: ApiCall): Answer {
  const { runtime, now } = call.context;
  const order = orderById(call);
  const body = decodeOrThrow(ReissueBody, jsonObjectBody(call));
  const placement = order.placement;
  const validated = validateReissue(body, {
    signatureHash: placement.signatureHash,
    serverPlatformId: placement.serverPlatformId,
    csProvisioningMethod: placement.csProvisioningMethod,
  });
  if (validated._tag === "Left") throw validationFailed(validated.left);
  const request = requestReissue(
    runtime.store,
    order,
    validated.right,
    { pendingStatus: runtime.settings.reissueOrderStatus },
    now,
  );
  return { status: 201, body: { id: order.id, requests: [{ id: request.id, status: request.status }] } };
}

/** GET /order/certificate/{order_id}/reissue (DigiCert's "List reissues"). */
function listReissuesRoute(call: ApiCall): Answer {
  const { runtime, now } = call.context;
  return { status: 200, body: renderReissueList(runtime.store, orderById(call), now) };
}

const PEM_FILE = "application/x-pem-file";
const PKCS7_FILE = "application/x-pkcs7-certificates";
/** DigiCert's zip formats (Glossary – Certificate formats), which the emulator does not produce. */
const ZIP_FORMATS = ["default", "apache", "default_cer", "default_pem"];

/**
 * A certificate file in a DigiCert format (Glossary – Certificate formats; content types as DigiCert answers
 * them): pem_all = leaf, intermediate, root; pem_noroot = leaf, intermediate; pem_nointermediate = leaf only
 * (what clients fetch for just the end-entity certificate; whether DigiCert adds the root is unconfirmed); p7b and
 * cer = a PEM "PKCS7" bundle of leaf and intermediate.
 */
function certificateFile(order: StoredOrder, certificate: StoredCertificate, format: string): Answer {
  const method = certificate.request?.csProvisioningMethod ?? order.placement.csProvisioningMethod;
  if (method === "ship_token" || method === "client_app") throw downloadNotAllowed(method);
  if (certificate.pem === undefined) throw certificateNotIssued(certificate.id);
  const { root, intermediate } = certificateAuthorities();
  const pem = (...pems: string[]): Answer => ({
    status: 200,
    text: { contentType: PEM_FILE, content: pems.join("") },
  });
  switch (format) {
    case "pem_all":
      return pem(certificate.pem, intermediate.pem, root.pem);
    case "pem_noroot":
      return pem(certificate.pem, intermediate.pem);
    case "pem_nointermediate":
      return pem(certificate.pem);
    case "p7b":
    case "cer":
      return {
        status: 200,
        text: { contentType: PKCS7_FILE, content: pkcs7Of([certificate.pem, intermediate.pem]) },
      };
  }
  if (ZIP_FORMATS.includes(format)) throw unsupportedFormat(format);
  throw validationFailed([invalidValue("format_type", "is not a certificate format.")]);
}

/** GET /certificate/{certificate_id}/download/format/{format}: any certificate, current or not. */
function downloadCertificateRoute(call: ApiCall): Answer {
  const id = decodeOrUndefined(IdFromPathSegment, call.params[0]);
  const found = id === undefined ? undefined : call.context.runtime.store.certificateById(id);
  if (!found) throw certificateNotFound();
  return certificateFile(
    found.order,
    found.certificate,
    decodeOrUndefined(DecodedPathSegment, call.params[1]) ?? "",
  );
}

/** GET /certificate/download/order/{order_id}/format/{format}: the order's current certificate only. */
function downloadOrderCertificateRoute(call: ApiCall): Answer {
  const order = orderById(call);
  if (!order.certificate) throw certificateNotFound();
  return certificateFile(
    order,
    order.certificate,
    decodeOrUndefined(DecodedPathSegment, call.params[1]) ?? "",
  );
}

const API_ROUTES: readonly Route<ApiContext>[] = [
  { method: "POST", pattern: pathPattern("/order/certificate/:product"), handle: placeOrderRoute },
  { method: "GET", pattern: pathPattern("/order/certificate/:order"), handle: orderInfoRoute },
  { method: "PUT", pattern: pathPattern("/order/certificate/:order/status"), handle: updateOrderStatusRoute },
  { method: "PUT", pattern: pathPattern("/order/certificate/:order/revoke"), handle: revokeOrderRoute },
  { method: "POST", pattern: pathPattern("/order/certificate/:order/reissue"), handle: reissueRoute },
  { method: "GET", pattern: pathPattern("/order/certificate/:order/reissue"), handle: listReissuesRoute },
  {
    method: "GET",
    pattern: pathPattern("/certificate/:certificate/download/format/:format"),
    handle: downloadCertificateRoute,
  },
  {
    method: "GET",
    pattern: pathPattern("/certificate/download/order/:order/format/:format"),
    handle: downloadOrderCertificateRoute,
  },
  { method: "PUT", pattern: pathPattern("/certificate/:certificate/revoke"), handle: revokeCertificateRoute },
  { method: "GET", pattern: pathPattern("/order/alternate/:alternative"), handle: alternateLookupRoute },
  { method: "GET", pattern: pathPattern("/request/:request"), handle: requestInfoRoute },
  { method: "PUT", pattern: pathPattern("/request/:request/status"), handle: updateRequestStatusRoute },
];

/** Answers one authenticated, admitted API call; throws ApiError for DigiCert-style error answers. */
export function handleApiCall(call: Omit<ApiCall, "params">): Answer {
  return dispatch(API_ROUTES, call);
}
