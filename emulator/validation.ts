/**
 * Checks a decoded order body the way DigiCert's "Order code signing certificate" endpoint describes it, and
 * returns either every problem found (one error entry each) or a validated placement. Field presence is checked
 * here rather than in the codec because DigiCert's required fields depend on other fields (product,
 * cs_provisioning_method, server_platform.id).
 */
import * as E from "fp-ts/Either";
import { OrderPlacementBody, ReissueBody, ShipInfoInput } from "./codecs";
import { DAY_MS, parseDayMonthYear, startOfDay } from "./dates";
import { ErrorEntry, invalidValue, missingField } from "./errors";
import { CodeSigningProduct } from "./types";

export const SIGNATURE_HASHES = ["sha256", "sha384", "sha512"] as const;
export const PROVISIONING_METHODS = ["ship_token", "client_app", "email", "key_locker"] as const;
export const PAYMENT_METHODS = ["balance", "card", "profile"] as const;
export const SHIP_METHODS = ["STANDARD", "EXPEDITED"] as const;
/** Glossary: server platform 55 is Sun Java, whose CSR must come with the order. */
export const SUN_JAVA_PLATFORM_ID = 55;
export const MAX_ALTERNATIVE_ORDER_ID_LENGTH = 64;

export type ProvisioningMethod = (typeof PROVISIONING_METHODS)[number];

export interface InlineOrganization {
  name: string;
  assumedName?: string;
  address: string;
  address2?: string;
  city: string;
  state: string;
  zip: string;
  country: string;
  telephone: string;
}

export type OrganizationChoice =
  { kind: "existing"; id: number } | { kind: "inline"; details: InlineOrganization };

/** Exactly one of DigiCert's three ways of stating order validity. */
export type OrderValidity =
  | { kind: "years"; years: number }
  | { kind: "days"; days: number }
  | { kind: "custom"; text: string; expiresAt: number };

export interface ShipInfo {
  name: string;
  addr1: string;
  addr2?: string;
  city: string;
  state: string;
  zip: string;
  country: string;
  method: string;
}

export interface ValidatedPlacement {
  product: CodeSigningProduct;
  signatureHash: string;
  serverPlatformId?: number;
  csr?: string;
  organizationUnits?: string[];
  commonName?: string;
  organization: OrganizationChoice;
  orderValidity: OrderValidity;
  csProvisioningMethod?: ProvisioningMethod;
  shipInfo?: ShipInfo;
  skipApproval: boolean;
  comments?: string;
  containerId?: number;
  autoRenew: number;
  disableRenewalNotifications: boolean;
  renewalOfOrderId?: number;
  alternativeOrderId?: string;
  customFields: { metadata_id: number; value: string }[];
  paymentMethod: string;
}

const isBlank = (value: string | undefined): boolean => value === undefined || value.trim() === "";

const oneOf = <T extends string>(allowed: readonly T[], value: string): value is T =>
  (allowed as readonly string[]).includes(value);

const zipText = (zip: string | number | undefined): string | undefined =>
  zip === undefined ? undefined : String(zip);

const INLINE_ORGANIZATION_FIELDS = [
  "name",
  "address",
  "city",
  "state",
  "zip",
  "country",
  "telephone",
] as const;
const SHIP_INFO_FIELDS = ["name", "addr1", "city", "state", "zip", "country", "method"] as const;

function checkOrganization(body: OrderPlacementBody, problems: ErrorEntry[]): OrganizationChoice | undefined {
  const organization = body.organization;
  if (organization === undefined) {
    problems.push(missingField("organization"));
    return undefined;
  }
  if (organization.id !== undefined) {
    if (organization.id < 1) {
      problems.push(invalidValue("organization.id", "must be a positive integer."));
      return undefined;
    }
    return { kind: "existing", id: organization.id };
  }
  const given = INLINE_ORGANIZATION_FIELDS.filter((field) => !isBlank(zipText(organization[field])));
  if (given.length === 0) {
    // Nothing to create an organization from: the caller most likely forgot the id.
    problems.push(missingField("organization.id"));
    return undefined;
  }
  const missing = INLINE_ORGANIZATION_FIELDS.filter((field) => !given.includes(field));
  for (const field of missing) problems.push(missingField(`organization.${field}`));
  if (missing.length > 0) return undefined;
  return {
    kind: "inline",
    details: {
      name: organization.name ?? "",
      assumedName: organization.assumed_name,
      address: organization.address ?? "",
      address2: organization.address2,
      city: organization.city ?? "",
      state: organization.state ?? "",
      zip: zipText(organization.zip) ?? "",
      country: organization.country ?? "",
      telephone: organization.telephone ?? "",
    },
  };
}

function checkOrderValidity(
  body: OrderPlacementBody,
  now: number,
  problems: ErrorEntry[],
): OrderValidity | undefined {
  // The deprecated top-level validity_years / custom_expiration_date are not accepted in place of
  // order_validity: the brief makes order_validity required, and the provider only sends the new style.
  const validity = body.order_validity;
  if (validity === undefined) {
    problems.push(missingField("order_validity"));
    return undefined;
  }
  const given = (["years", "days", "custom_expiration_date"] as const).filter(
    (field) => validity[field] !== undefined,
  );
  if (given.length === 0) {
    problems.push(missingField("order_validity.years"));
    return undefined;
  }
  if (given.length > 1) {
    problems.push(
      invalidValue("order_validity", "give exactly one of years, days or custom_expiration_date."),
    );
    return undefined;
  }
  if (validity.years !== undefined) {
    if (validity.years >= 1 && validity.years <= 3) return { kind: "years", years: validity.years };
    problems.push(invalidValue("order_validity.years", "must be 1, 2 or 3."));
    return undefined;
  }
  if (validity.days !== undefined) {
    if (validity.days >= 1) return { kind: "days", days: validity.days };
    problems.push(invalidValue("order_validity.days", "must be at least 1."));
    return undefined;
  }
  const text = validity.custom_expiration_date ?? "";
  const expiresAt = parseDayMonthYear(text);
  if (expiresAt === undefined) {
    problems.push(
      invalidValue("order_validity.custom_expiration_date", 'expected "dd MMM yyyy", e.g. "09 JUN 2025".'),
    );
    return undefined;
  }
  if (expiresAt < startOfDay(now) + DAY_MS) {
    problems.push(invalidValue("order_validity.custom_expiration_date", "must be in the future."));
    return undefined;
  }
  return { kind: "custom", text, expiresAt };
}

function checkShipInfo(
  shipInfo: ShipInfoInput | undefined,
  method: ProvisioningMethod | undefined,
  problems: ErrorEntry[],
): ShipInfo | undefined {
  if (shipInfo === undefined) return undefined;
  if (method !== "ship_token") {
    problems.push(invalidValue("ship_info", "only allowed when cs_provisioning_method is ship_token."));
    return undefined;
  }
  const missing = SHIP_INFO_FIELDS.filter((field) => isBlank(zipText(shipInfo[field])));
  for (const field of missing) problems.push(missingField(`ship_info.${field}`));
  const shipMethod = (shipInfo.method ?? "").toUpperCase();
  if (!missing.includes("method") && !oneOf(SHIP_METHODS, shipMethod)) {
    problems.push(invalidValue("ship_info.method", "must be STANDARD or EXPEDITED."));
    return undefined;
  }
  if (missing.length > 0) return undefined;
  return {
    name: shipInfo.name ?? "",
    addr1: shipInfo.addr1 ?? "",
    addr2: shipInfo.addr2,
    city: shipInfo.city ?? "",
    state: shipInfo.state ?? "",
    zip: zipText(shipInfo.zip) ?? "",
    country: shipInfo.country ?? "",
    method: shipInfo.method ?? "",
  };
}

/**
 * Validates an order for `product`. `now` decides whether a custom expiration date lies in the future.
 * Whether renewal_of_order_id names an eligible order is state, so the lifecycle checks it afterwards.
 */
export function validateOrderPlacement(
  product: CodeSigningProduct,
  body: OrderPlacementBody,
  now: number,
): E.Either<ErrorEntry[], ValidatedPlacement> {
  const problems: ErrorEntry[] = [];
  const certificate = body.certificate;

  let signatureHash = "";
  if (certificate === undefined) {
    problems.push(missingField("certificate"));
  } else if (certificate.signature_hash === undefined) {
    problems.push(missingField("certificate.signature_hash"));
  } else if (!oneOf(SIGNATURE_HASHES, certificate.signature_hash)) {
    problems.push(invalidValue("certificate.signature_hash", "must be sha256, sha384 or sha512."));
  } else {
    signatureHash = certificate.signature_hash;
  }

  const organization = checkOrganization(body, problems);
  const orderValidity = checkOrderValidity(body, now, problems);

  let method: ProvisioningMethod | undefined;
  if (body.cs_provisioning_method === undefined) {
    if (product === "code_signing_ev") problems.push(missingField("cs_provisioning_method"));
  } else if (oneOf(PROVISIONING_METHODS, body.cs_provisioning_method)) {
    method = body.cs_provisioning_method;
  } else {
    problems.push(
      invalidValue("cs_provisioning_method", `must be one of ${PROVISIONING_METHODS.join(", ")}.`),
    );
  }

  const platformId = certificate?.server_platform?.id;
  if (certificate !== undefined) {
    checkPlatformAndCsr(
      platformId,
      body.cs_provisioning_method === undefined ? undefined : method,
      certificate.csr,
      problems,
    );
  }

  const shipInfo = checkShipInfo(body.ship_info, method, problems);

  const alternativeOrderId = body.alternative_order_id;
  if (
    alternativeOrderId !== undefined &&
    (alternativeOrderId.length === 0 || alternativeOrderId.length > MAX_ALTERNATIVE_ORDER_ID_LENGTH)
  ) {
    problems.push(
      invalidValue("alternative_order_id", `must be 1 to ${MAX_ALTERNATIVE_ORDER_ID_LENGTH} characters.`),
    );
  }

  const paymentMethod = body.payment_method ?? "balance";
  if (!oneOf(PAYMENT_METHODS, paymentMethod)) {
    problems.push(invalidValue("payment_method", `must be one of ${PAYMENT_METHODS.join(", ")}.`));
  }

  if (body.renewal_of_order_id !== undefined && body.renewal_of_order_id < 1) {
    problems.push(invalidValue("renewal_of_order_id", "must be a positive integer."));
  }
  if (body.container?.id !== undefined && body.container.id < 1) {
    problems.push(invalidValue("container.id", "must be a positive integer."));
  }
  if (body.auto_renew !== undefined && body.auto_renew < 0) {
    problems.push(invalidValue("auto_renew", "must not be negative."));
  }

  const customFields: { metadata_id: number; value: string }[] = [];
  (body.custom_fields ?? []).forEach((field, index) => {
    if (field.metadata_id === undefined) problems.push(missingField(`custom_fields[${index}].metadata_id`));
    if (field.value === undefined) problems.push(missingField(`custom_fields[${index}].value`));
    if (field.metadata_id !== undefined && field.value !== undefined) {
      customFields.push({ metadata_id: field.metadata_id, value: field.value });
    }
  });

  if (problems.length > 0 || organization === undefined || orderValidity === undefined) {
    return E.left(problems);
  }
  return E.right({
    product,
    signatureHash,
    serverPlatformId: platformId,
    csr: certificate?.csr,
    organizationUnits: certificate?.organization_units,
    commonName: certificate?.common_name,
    organization,
    orderValidity,
    csProvisioningMethod: method,
    shipInfo,
    skipApproval: body.skip_approval ?? false,
    comments: body.comments,
    containerId: body.container?.id,
    autoRenew: body.auto_renew ?? 0,
    disableRenewalNotifications: body.disable_renewal_notifications ?? false,
    renewalOfOrderId: body.renewal_of_order_id,
    alternativeOrderId,
    customFields,
    paymentMethod,
  });
}

/** What a validated reissue asks for; unset fields keep the order's current values. */
export interface ValidatedReissue {
  signatureHash: string;
  serverPlatformId?: number;
  csr?: string;
  csProvisioningMethod?: ProvisioningMethod;
  shipInfo?: ShipInfo;
  skipApproval: boolean;
  comments?: string;
}

/** The order's current certificate settings a reissue starts from. */
export interface CurrentCertificateSettings {
  signatureHash: string;
  serverPlatformId?: number;
  csProvisioningMethod?: ProvisioningMethod;
}

/**
 * Checks a reissue body for a code signing order (reference §10; DigiCert's "Reissue certificate" page):
 * `certificate` is required; `certificate.common_name` must be omitted for code signing (the emulator refuses it
 * rather than ignoring it: DigiCert's reaction is not documented); `signature_hash`, `server_platform.id` and
 * `cs_provisioning_method` default to the order's current values; a CSR is required when the resulting
 * provisioning method is `email` (or the platform is Sun Java); `ship_info` only with `ship_token`.
 */
export function validateReissue(
  body: ReissueBody,
  current: CurrentCertificateSettings,
): E.Either<ErrorEntry[], ValidatedReissue> {
  const problems: ErrorEntry[] = [];
  const certificate = body.certificate;
  if (certificate === undefined) return E.left([missingField("certificate")]);
  if (certificate.common_name !== undefined) {
    problems.push(
      invalidValue("certificate.common_name", "omit it when reissuing a code signing certificate."),
    );
  }
  const signatureHash = certificate.signature_hash ?? current.signatureHash;
  if (!oneOf(SIGNATURE_HASHES, signatureHash)) {
    problems.push(invalidValue("certificate.signature_hash", "must be sha256, sha384 or sha512."));
  }
  let method = current.csProvisioningMethod;
  if (body.cs_provisioning_method !== undefined) {
    if (oneOf(PROVISIONING_METHODS, body.cs_provisioning_method)) method = body.cs_provisioning_method;
    else {
      problems.push(
        invalidValue("cs_provisioning_method", `must be one of ${PROVISIONING_METHODS.join(", ")}.`),
      );
    }
  }
  const platformId = certificate.server_platform?.id ?? current.serverPlatformId;
  checkPlatformAndCsr(platformId, method, certificate.csr, problems);
  const shipInfo = checkShipInfo(body.ship_info, method, problems);
  if (problems.length > 0) return E.left(problems);
  return E.right({
    signatureHash,
    serverPlatformId: platformId,
    csr: isBlank(certificate.csr) ? undefined : certificate.csr,
    csProvisioningMethod: method,
    shipInfo,
    skipApproval: body.skip_approval ?? false,
    comments: body.comments,
  });
}

/**
 * DigiCert: server_platform is required when cs_provisioning_method is client_app or not given (`method`
 * undefined), and a CSR for Sun Java (platform 55) and for `email` (the key stays in your HSM). Orders and reissues.
 */
function checkPlatformAndCsr(
  platformId: number | undefined,
  method: string | undefined,
  csr: string | undefined,
  problems: ErrorEntry[],
): void {
  if (platformId === undefined && (method === "client_app" || method === undefined)) {
    problems.push(missingField("certificate.server_platform.id"));
  } else if (platformId !== undefined && platformId < -1) {
    problems.push(invalidValue("certificate.server_platform.id", "is not a known server platform."));
  }
  if ((platformId === SUN_JAVA_PLATFORM_ID || method === "email") && isBlank(csr)) {
    problems.push(missingField("certificate.csr"));
  }
}
