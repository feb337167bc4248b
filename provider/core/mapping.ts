import { CodeSigningOrderInputs } from "./codecs/inputs";
import { OrderInfoResponse, OrderPlacedResponse, ReissueResponse } from "../client/answers";
import { formatDigiCertDate, parseExpirationDate } from "./dates";
import { Json, JsonObject } from "../client/json";
import { squash } from "./pem";
import { withoutUndefined } from "./codecs/state";

/**
 * Pure mapping between the resource and DigiCert's snake_case JSON, both ways: the inputs to request bodies (keys
 * in the order of DigiCert's own example, so a request reads like the documentation), and DigiCert's decoded
 * answers to the order's state (OrderState, the OrderSnapshot the plans read, a reissue's requests).
 */

/** Drops undefined members so the body holds exactly what the user set. */
function compact(entries: [string, Json | undefined][]): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of entries) if (value !== undefined) out[key] = value;
  return out;
}

export function certificateBody(certificate: CodeSigningOrderInputs["certificate"]): JsonObject {
  return compact([
    ["csr", certificate.csr],
    [
      "server_platform",
      certificate.serverPlatform === undefined ? undefined : { id: certificate.serverPlatform.id },
    ],
    ["signature_hash", certificate.signatureHash ?? "sha256"],
    ["organization_units", certificate.organizationUnits],
  ]);
}

export function orderValidityBody(validity: CodeSigningOrderInputs["orderValidity"]): JsonObject {
  if (validity.customExpirationDate !== undefined) {
    const date = parseExpirationDate(validity.customExpirationDate);
    // check() has rejected unparseable dates; pass the text through rather than invent one.
    return { custom_expiration_date: date ? formatDigiCertDate(date) : validity.customExpirationDate };
  }
  if (validity.days !== undefined) return { days: validity.days };
  return compact([["years", validity.years]]);
}

export function organizationBody(org: CodeSigningOrderInputs["organization"]): JsonObject {
  if (org.id !== undefined) return { id: org.id };
  return compact([
    ["name", org.name],
    ["address", org.address],
    ["address2", org.address2],
    ["city", org.city],
    ["state", org.state],
    ["zip", org.zip],
    ["country", org.country],
    ["telephone", org.telephone],
    ["skip_duplicate_org_check", org.skipDuplicateOrgCheck],
  ]);
}

/** What is sent with the POST beyond the user's own fields. */
export interface OrderRequestExtras {
  readonly alternativeOrderId?: string;
  readonly renewalOfOrderId?: number;
}

/** The body of `POST /order/certificate/{product}` for these inputs. */
export function orderRequestBody(
  inputs: CodeSigningOrderInputs,
  extras: OrderRequestExtras = {},
): JsonObject {
  const ship = inputs.shipInfo;
  return compact([
    ["certificate", certificateBody(inputs.certificate)],
    ["cs_provisioning_method", inputs.csProvisioningMethod],
    ["order_validity", orderValidityBody(inputs.orderValidity)],
    ["comments", inputs.comments],
    ["skip_approval", inputs.skipApproval],
    ["organization", organizationBody(inputs.organization)],
    ["container", inputs.container === undefined ? undefined : { id: inputs.container.id }],
    [
      "ship_info",
      ship === undefined
        ? undefined
        : compact([
            ["name", ship.name],
            ["addr1", ship.addr1],
            ["addr2", ship.addr2],
            ["city", ship.city],
            ["state", ship.state],
            ["zip", ship.zip],
            ["country", ship.country],
            ["method", ship.method],
          ]),
    ],
    ["auto_renew", inputs.autoRenew],
    ["custom_renewal_message", inputs.customRenewalMessage],
    ["disable_renewal_notifications", inputs.disableRenewalNotifications],
    [
      "custom_fields",
      inputs.customFields?.map((field) => ({ metadata_id: field.metadataId, value: field.value })),
    ],
    ["payment_method", inputs.paymentMethod],
    ["additional_emails", inputs.additionalEmails],
    ["renewal_of_order_id", extras.renewalOfOrderId ?? inputs.renewalOfOrderId],
    ["alternative_order_id", extras.alternativeOrderId],
    ["enable_guest_access", inputs.enableGuestAccess],
  ]);
}

/** The part of the outputs that DigiCert owns: what an order looks like now. */
export interface OrderState {
  orderId: number;
  status: string;
  requests: { id: number; status: string }[];
  certificateId?: number;
  organizationId?: number;
  serialNumber?: string;
  thumbprint?: string;
  validFrom?: string;
  validTill?: string;
  dateIssued?: string;
  orderValidTill?: string;
  hardwareInitCode?: string;
}

/**
 * The order's state right after placement. DigiCert returns no order status here, so it is derived from the
 * request: an approved request means the order moved on to `pending` (validation), otherwise it awaits approval.
 */
export function orderStateFromPlacement(
  response: OrderPlacedResponse,
  inputs: CodeSigningOrderInputs,
): OrderState {
  const requests = (response.requests ?? []).map((r) => ({ id: r.id, status: r.status }));
  const approved = requests.some((r) => r.status === "approved");
  return withoutUndefined({
    orderId: response.id,
    status: approved ? "pending" : "needs_approval",
    requests,
    certificateId: response.certificate_id ?? undefined,
    organizationId: response.organization?.id ?? inputs.organization.id,
  });
}

/**
 * Everything the provider reads from order info, decoded once (statuses already lower-cased by the codec): the state
 * the resource records, plus what only the plans read (the CSR DigiCert holds, each request's type).
 */
export interface OrderSnapshot extends OrderState {
  /** The CSR DigiCert reports for the order's certificate (or its pending reissue), whitespace removed. */
  csr?: string;
  requests: { id: number; status: string; type?: string }[];
}

export function orderSnapshotOf(info: OrderInfoResponse): OrderSnapshot {
  const cert = info.certificate ?? undefined;
  const organizationId = Array.isArray(info.organization) ? undefined : (info.organization?.id ?? undefined);
  return withoutUndefined({
    orderId: info.id,
    status: info.status ?? "unknown",
    requests: (info.requests ?? []).map((r) =>
      withoutUndefined({ id: r.id, status: r.status, type: r.type ?? undefined }),
    ),
    certificateId: cert?.id ?? undefined,
    organizationId,
    serialNumber: cert?.serial_number ?? undefined,
    thumbprint: cert?.thumbprint ?? undefined,
    validFrom: cert?.valid_from ?? undefined,
    validTill: cert?.valid_till ?? undefined,
    dateIssued: cert?.date_issued ?? undefined,
    orderValidTill: info.order_valid_till ?? undefined,
    hardwareInitCode: info.hardware_init_code || undefined,
    csr: squash(cert?.csr ?? undefined),
  });
}

/** The order's state from order info: the snapshot without what only the plans read. */
export function orderStateFromInfo(info: OrderInfoResponse): OrderState {
  const { csr: _csr, requests, ...state } = orderSnapshotOf(info);
  return { ...state, requests: requests.map(({ id, status }) => ({ id, status })) };
}

/**
 * The body of `POST /order/certificate/{order_id}/reissue` for a code signing order: the certificate without
 * `common_name` (DigiCert: omit it for code signing), the provisioning method (DigiCert reuses the order's when it
 * is left out), and, for `ship_token`, where to ship the token [U: not in DigiCert's reissue parameter table].
 */
export function reissueRequestBody(inputs: CodeSigningOrderInputs): JsonObject {
  const { csr, server_platform, signature_hash } = certificateBody(inputs.certificate);
  const ship = orderRequestBody(inputs).ship_info;
  return compact([
    [
      "certificate",
      compact([
        ["csr", csr],
        ["server_platform", server_platform],
        ["signature_hash", signature_hash],
      ]),
    ],
    ["cs_provisioning_method", inputs.csProvisioningMethod],
    ["ship_info", inputs.csProvisioningMethod === "ship_token" ? ship : undefined],
    ["skip_approval", inputs.skipApproval],
    ["comments", inputs.comments],
  ]);
}

/** The requests a reissue's answer lists (a status left out is pending), and the newest one's ID. */
export interface ReissueRequests {
  readonly requests: { id: number; status: string }[];
  readonly requestId?: number;
}

export function reissueRequestsOf(response: ReissueResponse | undefined): ReissueRequests {
  const requests = (response?.requests ?? []).map((r) => ({ id: r.id, status: r.status ?? "pending" }));
  return withoutUndefined({
    requests,
    requestId: requests.length === 0 ? undefined : Math.max(...requests.map((r) => r.id)),
  });
}

/** The product an order info names, wherever this API version puts it. */
export function productOf(info: OrderInfoResponse): string | undefined {
  return info.product?.name_id ?? info.product_name_id ?? undefined;
}
