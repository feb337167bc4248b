/**
 * Renders stored state as DigiCert's JSON answers (snake_case; reference §3, §5, §7, §9). Fields that do not
 * exist yet (certificate id before approval, serial/thumbprint/dates before issuance) are omitted, as DigiCert
 * omits them.
 */
import { DAY_MS, formatDateTime, parseDay, startOfDay } from "./dates";
import { hardwareInitCodeFor, orderValidTill } from "./lifecycle";
import { Store, StoredOrder, StoredReissue, StoredRequest } from "./store";
import { CodeSigningProduct } from "./types";
import { OrderValidity } from "./validation";
import { INTERMEDIATE_NAME } from "./x509";

type Json = Record<string, unknown>;

/** Who the emulator pretends placed and processed requests. */
const EMULATOR_USER = { id: 1, first_name: "Emulator", last_name: "User", email: "emulator@example.test" };

const PRODUCTS: Record<CodeSigningProduct, Json> = {
  code_signing: {
    name_id: "code_signing",
    name: "Code Signing",
    type: "code_signing_certificate",
    validation_type: "cs",
    validation_name: "CS",
    validation_description: "Code signing organization validation",
  },
  code_signing_ev: {
    name_id: "code_signing_ev",
    name: "EV Code Signing",
    type: "code_signing_certificate",
    validation_type: "ev_cs",
    validation_name: "EV CS",
    validation_description: "Extended validation code signing",
  },
};

const PLATFORM_NAMES: Record<number, string> = { [-1]: "OTHER", 55: "Sun Java" };

/** The emulator's issuing CA (see x509.ts); the id is a stable made-up value like DigiCert's. */
const ISSUING_CA = { id: "E1A2C3D4E5", name: INTERMEDIATE_NAME.commonName };

/** Drops undefined values so absent fields are omitted from the JSON rather than sent as null. */
function compact(object: Json): Json {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

function renderValidity(validity: OrderValidity): Json {
  switch (validity.kind) {
    case "years":
      return { years: validity.years };
    case "days":
      return { days: validity.days };
    case "custom":
      return { custom_expiration_date: validity.text };
  }
}

export function daysRemaining(validTill: string, now: number): number {
  const end = parseDay(validTill) ?? now;
  return Math.max(0, Math.round((end - startOfDay(now)) / DAY_MS));
}

function renderCertificate(store: Store, order: StoredOrder, now: number): Json {
  const placement = order.placement;
  const certificate = order.certificate;
  const organization = store.organization(order.organizationId);
  const validFrom = parseDay(certificate?.validFrom ?? "");
  const validTill = parseDay(certificate?.validTill ?? "");
  const issuedDays =
    validFrom !== undefined && validTill !== undefined
      ? Math.round((validTill - validFrom) / DAY_MS)
      : undefined;
  return compact({
    id: certificate?.id,
    thumbprint: certificate?.thumbprint,
    serial_number: certificate?.serialNumber,
    common_name: placement.commonName ?? organization?.details?.name,
    date_created: formatDateTime(order.dateCreated),
    date_issued: certificate?.dateIssued === undefined ? undefined : formatDateTime(certificate.dateIssued),
    valid_from: certificate?.validFrom,
    valid_till: certificate?.validTill,
    days_remaining:
      certificate?.validTill === undefined ? undefined : daysRemaining(certificate.validTill, now),
    cert_validity: issuedDays === undefined ? renderValidity(placement.orderValidity) : { days: issuedDays },
    csr: placement.csr,
    organization: { id: order.organizationId },
    organization_units: placement.organizationUnits,
    server_platform:
      placement.serverPlatformId === undefined
        ? undefined
        : compact({ id: placement.serverPlatformId, name: PLATFORM_NAMES[placement.serverPlatformId] }),
    signature_hash: placement.signatureHash,
    key_size: certificate?.keySize,
    ca_cert: issuedDays === undefined ? undefined : ISSUING_CA,
  });
}

function renderOrganization(store: Store, order: StoredOrder): Json {
  const details = store.organization(order.organizationId)?.details;
  if (!details) return { id: order.organizationId };
  return compact({
    id: order.organizationId,
    name: details.name,
    assumed_name: details.assumedName,
    display_name: details.assumedName ? `${details.name} (${details.assumedName})` : details.name,
    is_active: true,
    city: details.city,
    state: details.state,
    country: details.country,
  });
}

export function renderRequestSummary(request: StoredRequest): Json {
  return compact({
    id: request.id,
    date: formatDateTime(request.date),
    type: request.type,
    status: request.status,
    comments: request.comments,
  });
}

/** GET /order/certificate/{order_id}. */
export function renderOrderInfo(store: Store, order: StoredOrder, now: number): Json {
  const placement = order.placement;
  const validity = placement.orderValidity;
  const method = placement.csProvisioningMethod;
  const certificate = order.certificate;
  const hasInitCode =
    certificate?.validFrom !== undefined && (method === "ship_token" || method === "client_app");
  const reissuesCount = order.reissues.filter((reissue) => reissue.status === "issued").length;
  return compact({
    id: order.id,
    status: order.status,
    date_created: formatDateTime(order.dateCreated),
    certificate: renderCertificate(store, order, now),
    organization: renderOrganization(store, order),
    product: PRODUCTS[order.product],
    product_name_id: order.product,
    order_validity: renderValidity(validity),
    order_valid_till: orderValidTill(order),
    validity_years: validity.kind === "years" ? validity.years : undefined,
    is_renewal: placement.renewalOfOrderId !== undefined,
    renewal_of_order_id: placement.renewalOfOrderId ?? 0,
    is_renewed: order.isRenewed,
    renewed_order_id: order.renewedOrderId ?? 0,
    alternative_order_id: placement.alternativeOrderId,
    auto_renew: placement.autoRenew,
    auto_reissue: 0,
    disable_renewal_notifications: placement.disableRenewalNotifications,
    container: {
      id: placement.containerId ?? 1,
      name: placement.containerId === undefined ? "Main" : "Division",
    },
    user: EMULATOR_USER,
    requests: store.requestsOf(order).map(renderRequestSummary),
    cs_provisioning_method: method,
    ship_info: placement.shipInfo === undefined ? undefined : compact({ ...placement.shipInfo }),
    hardware_init_code: hasInitCode && certificate ? hardwareInitCodeFor(certificate.id) : undefined,
    payment_method: placement.paymentMethod,
    custom_fields: placement.customFields.map((field) => ({
      metadata_id: field.metadata_id,
      label: `Custom field ${field.metadata_id}`,
      value: field.value,
    })),
    comments: placement.comments,
    is_multi_year_plan: "0",
    has_duplicates: false,
    duplicates_count: 0,
    has_reissues: reissuesCount > 0,
    reissues_count: reissuesCount,
  });
}

/** GET /request/{request_id}. */
export function renderRequestInfo(store: Store, request: StoredRequest, now: number): Json {
  const order = store.order(request.orderId);
  const orderSummary =
    order === undefined
      ? undefined
      : compact({
          id: order.id,
          status: order.status,
          certificate: renderCertificate(store, order, now),
          organization: { id: order.organizationId },
          product: PRODUCTS[order.product],
          cs_provisioning_method: order.placement.csProvisioningMethod,
          ship_info:
            order.placement.shipInfo === undefined ? undefined : compact({ ...order.placement.shipInfo }),
          is_renewal: order.placement.renewalOfOrderId !== undefined,
          order_validity: renderValidity(order.placement.orderValidity),
        });
  return compact({
    id: request.id,
    date: formatDateTime(request.date),
    type: request.type,
    status: request.status,
    date_processed: request.dateProcessed === undefined ? undefined : formatDateTime(request.dateProcessed),
    requester: EMULATOR_USER,
    processor: request.dateProcessed === undefined ? undefined : EMULATOR_USER,
    order: orderSummary,
    comments: request.comments,
    processor_comment: request.processorComment,
  });
}

/** The 201 answer of a revoke that needs approval. */
export function renderRevokeRequest(request: StoredRequest): Json {
  return compact({
    id: request.id,
    date: formatDateTime(request.date),
    type: request.type,
    status: request.status,
    requester: EMULATOR_USER,
    comments: request.comments,
  });
}

/** One entry of GET /order/alternate/{id}: note the keys are order_id / certificate_id, not id. */
export function renderAlternateEntry(order: StoredOrder): Json {
  return compact({ order_id: order.id, certificate_id: order.certificate?.id, status: order.status });
}

/**
 * One entry of GET /order/certificate/{order_id}/reissue (DigiCert's "List reissues": status issued, pending or
 * rejected; date_issued omitted unless issued).
 */
function renderReissue(store: Store, order: StoredOrder, reissue: StoredReissue, now: number): Json {
  const certificate = reissue.certificate;
  const organization = store.organization(order.organizationId);
  return compact({
    id: certificate.id,
    thumbprint: certificate.thumbprint,
    serial_number: certificate.serialNumber,
    common_name: order.placement.commonName ?? organization?.details?.name,
    status: reissue.status,
    date_created: formatDateTime(certificate.dateCreated ?? order.dateCreated),
    date_issued: certificate.dateIssued === undefined ? undefined : formatDateTime(certificate.dateIssued),
    valid_till: certificate.validTill,
    days_remaining:
      certificate.validTill === undefined ? undefined : daysRemaining(certificate.validTill, now),
    csr: certificate.request?.csr,
    key_size: certificate.keySize,
    user_id: EMULATOR_USER.id,
    email: EMULATOR_USER.email,
    firstname: EMULATOR_USER.first_name,
    lastname: EMULATOR_USER.last_name,
  });
}

export function renderReissueList(store: Store, order: StoredOrder, now: number): Json {
  return { certificates: order.reissues.map((reissue) => renderReissue(store, order, reissue, now)) };
}
