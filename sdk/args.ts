import * as pulumi from "@pulumi/pulumi";

/**
 * The inputs of a `CodeSigningOrder`: a camelCase mirror of DigiCert's order body
 * (`POST /order/certificate/{product}`), plus lifecycle settings that are never sent to DigiCert.
 * Validation runs in `pulumi preview`; see the README for every rule.
 */
export interface CodeSigningOrderArgs {
  /** `"code_signing"` (OV) or `"code_signing_ev"` (EV). Picks the URL path. Changing it places a new order. */
  product: pulumi.Input<"code_signing" | "code_signing_ev">;
  /**
   * Certificate details. On an issued order a change of `csr`, `signatureHash` or `serverPlatform` is a reissue of
   * the same order (key rotation, no new order); before issuance it places a new order.
   */
  certificate: pulumi.Input<CertificateArgs>;
  /** `{ id }` of an existing, CS-validated organization (recommended), or a new organization's details. Replaces on change. */
  organization: pulumi.Input<OrganizationArgs>;
  /** Exactly one of `years` (1-3), `days` (1 or more) or `customExpirationDate`. Replaces on change. */
  orderValidity: pulumi.Input<OrderValidityArgs>;
  /**
   * The container (division) to place the order under. Another container places a new order; leaving it out keeps
   * the order where it is (an import records DigiCert's container).
   */
  container?: pulumi.Input<{ id: pulumi.Input<number> }>;
  /**
   * How the key and certificate are provisioned: `"ship_token"` (DigiCert ships a token), `"client_app"` (your own
   * token), `"email"` (your HSM; needs `certificate.csr`) or `"key_locker"`. Required for EV. On an issued order a change
   * is a reissue; before issuance it places a new order.
   */
  csProvisioningMethod?: pulumi.Input<"ship_token" | "client_app" | "email" | "key_locker">;
  /** Where DigiCert ships the token (`ship_token` only). Stored as a secret output. */
  shipInfo?: pulumi.Input<ShipInfoArgs>;
  /** How many times DigiCert renews the order on its own. 0 is advised under Pulumi: renewals are better declared. */
  autoRenew?: pulumi.Input<number>;
  /** More addresses for DigiCert's notification emails. */
  additionalEmails?: pulumi.Input<pulumi.Input<string>[]>;
  /** The order this one renews (DigiCert's `renewal_of_order_id`). */
  renewalOfOrderId?: pulumi.Input<number>;
  /** Skip CertCentral's request approval when the key's user may approve. Does not skip DigiCert's validation. */
  skipApproval?: pulumi.Input<boolean>;
  /** A message for the approver. */
  comments?: pulumi.Input<string>;
  /** A message for DigiCert's renewal notices. */
  customRenewalMessage?: pulumi.Input<string>;
  /** Turns DigiCert's renewal notices off. */
  disableRenewalNotifications?: pulumi.Input<boolean>;
  /** Account-specific custom fields. Stored as a secret output. */
  customFields?: pulumi.Input<pulumi.Input<CustomFieldArgs>[]>;
  /** `"balance"` (DigiCert's default), `"card"` or `"profile"`. */
  paymentMethod?: pulumi.Input<"balance" | "card" | "profile">;
  /**
   * Your own ID for the order (1-64 of letters, digits, `.`, `_`, `-`). When unset, one is derived from the stack,
   * project and resource name: it is how a lost answer is recovered without ordering twice.
   */
  alternativeOrderId?: pulumi.Input<string>;
  /** 1 to enable guest access to the order, 0 to disable it; the account's setting when unset. */
  enableGuestAccess?: pulumi.Input<0 | 1>;
  /**
   * What `pulumi destroy` (or a replacement) does with the order. `"cancel"` (default): cancel it while it is not
   * yet issued; an issued order is left with DigiCert. `"retain"`: no API call. `"revoke"`: revoke an issued
   * certificate (software signed with it may stop validating) and cancel a pending order. Never sent to DigiCert.
   */
  onDelete?: pulumi.Input<"cancel" | "retain" | "revoke">;
  /** Make `pulumi up` wait until the order is `"approved"` or `"issued"`; `"none"` (default) returns once placed. */
  waitFor?: pulumi.Input<"none" | "approved" | "issued">;
  /** How long to wait for `waitFor`, e.g. `"90s"`, `"30m"`, `"2h"`. Default `"30m"`. The order stays in state when it passes. */
  waitTimeout?: pulumi.Input<string>;
  /** Adopt this existing order instead of placing one (the way to import an order). No order is placed. */
  existingOrderId?: pulumi.Input<number>;
  /** Plan a renewal (a new, linked order) on `pulumi up` once the certificate is within this many days of expiry. */
  renewBeforeDays?: pulumi.Input<number>;
  /** Place a new order when this one was canceled, rejected, revoked or expired outside Pulumi. Default true. */
  replaceWhenTerminal?: pulumi.Input<boolean>;
}

export interface CertificateArgs {
  /** `"sha256"`, the default and the only hash DigiCert documents for code signing. */
  signatureHash?: pulumi.Input<"sha256">;
  /** The server platform (token model) ID; required for `client_app` or when `csProvisioningMethod` is unset. */
  serverPlatform?: pulumi.Input<{ id: pulumi.Input<number> }>;
  /** A PEM CSR; required for `email` (HSM) provisioning and server platform 55. */
  csr?: pulumi.Input<string>;
  /** Departments shown on the certificate. */
  organizationUnits?: pulumi.Input<pulumi.Input<string>[]>;
}

export interface OrganizationArgs {
  /** An existing organization's ID. Give this or the details below, not both. */
  id?: pulumi.Input<number>;
  /** A new organization's legal name. */
  name?: pulumi.Input<string>;
  /** A new organization's street address. */
  address?: pulumi.Input<string>;
  /** A second address line. */
  address2?: pulumi.Input<string>;
  /** A new organization's city. */
  city?: pulumi.Input<string>;
  /** A new organization's state or province. */
  state?: pulumi.Input<string>;
  /** A new organization's postal code. */
  zip?: pulumi.Input<string>;
  /** Two-letter country code. */
  country?: pulumi.Input<string>;
  /** A new organization's telephone number. */
  telephone?: pulumi.Input<string>;
  /** Create a new organization even if one with these details exists. */
  skipDuplicateOrgCheck?: pulumi.Input<boolean>;
}

export interface OrderValidityArgs {
  /** 1 to 3. Certificates live at most 459 days since 2026-02-24, whatever the order's validity. */
  years?: pulumi.Input<number>;
  /** 1 or more. */
  days?: pulumi.Input<number>;
  /** `YYYY-MM-DD` or `DD MMM YYYY`, in the future; sent as `DD MMM YYYY`. */
  customExpirationDate?: pulumi.Input<string>;
}

export interface ShipInfoArgs {
  /** The recipient's name. */
  name: pulumi.Input<string>;
  /** The street address. */
  addr1: pulumi.Input<string>;
  /** A second address line. */
  addr2?: pulumi.Input<string>;
  /** The city. */
  city: pulumi.Input<string>;
  /** The state or province. */
  state: pulumi.Input<string>;
  /** The postal code. */
  zip: pulumi.Input<string>;
  /** Two-letter country code. */
  country: pulumi.Input<string>;
  /** `"STANDARD"` or `"EXPEDITED"` (costs extra). */
  method: pulumi.Input<"STANDARD" | "EXPEDITED">;
}

export interface CustomFieldArgs {
  /** The custom field's ID in your account (CertCentral's `metadata_id`). */
  metadataId: pulumi.Input<number>;
  /** Its value, validated by DigiCert as your account's field settings say. */
  value: pulumi.Input<string>;
}

/** A request of the order (its approval), as DigiCert reports it. */
export interface OrderRequestSummary {
  /** The request ID. */
  id: number;
  /** `pending`, `submitted`, `approved` or `rejected`. */
  status: string;
}

/** A reissue Pulumi requested and DigiCert has not issued yet (or turned down). */
export interface ReissueSummary {
  /** `pending`, `rejected` or `canceled` (or another status DigiCert reports). */
  status: string;
  /** What the reissue asks for. */
  requested: {
    certificate: {
      signatureHash?: "sha256";
      serverPlatform?: { id: number };
      csr?: string;
      organizationUnits?: string[];
    };
    csProvisioningMethod?: "ship_token" | "client_app" | "email" | "key_locker";
  };
  /** The reissue request's ID, when DigiCert gave one. */
  requestId?: number;
  /** The certificate the reissue replaces. */
  replacesCertificateId?: number;
}
