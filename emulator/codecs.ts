/**
 * io-ts codecs for every byte that reaches the emulator from outside: request bodies, path segments, headers,
 * query strings, control-plane bodies and CLI arguments. Body codecs use `t.partial`/`t.type`, which ignore
 * unknown fields, because DigiCert accepts fields the emulator does not model; which fields are *required*
 * depends on other fields, so `validation.ts` checks that after decoding.
 */
import * as t from "io-ts";

/** A decimal id in a URL path: a positive integer without sign or leading zeros. */
export const IdFromPathSegment = new t.Type<number, string, unknown>(
  "IdFromPathSegment",
  (u): u is number => typeof u === "number" && Number.isSafeInteger(u) && u > 0,
  (u, c) => {
    if (typeof u !== "string" || !/^[1-9]\d{0,15}$/.test(u)) return t.failure(u, c, "not a positive integer");
    const id = Number(u);
    return Number.isSafeInteger(id) ? t.success(id) : t.failure(u, c, "too large");
  },
  String,
);

/** A percent-encoded URL path segment, decoded (fails on broken escapes instead of throwing). */
export const DecodedPathSegment = new t.Type<string, string, unknown>(
  "DecodedPathSegment",
  (u): u is string => typeof u === "string",
  (u, c) => {
    if (typeof u !== "string") return t.failure(u, c);
    try {
      return t.success(decodeURIComponent(u));
    } catch {
      return t.failure(u, c, "broken percent-encoding");
    }
  },
  encodeURIComponent,
);

/** A hex thumbprint or serial number used in a path in place of an id (reference §3, §9). */
export const HexFromPathSegment = t.refinement(
  t.string,
  (s) => /^[0-9A-Fa-f]{8,128}$/.test(s),
  "HexFromPathSegment",
);

/**
 * Order info and revoke accept an order or certificate id, or the certificate's thumbprint / serial number.
 */
export type ResourceKey = { kind: "id"; id: number } | { kind: "hex"; value: string };

export const ResourceKeyFromPathSegment = new t.Type<ResourceKey, string, unknown>(
  "ResourceKeyFromPathSegment",
  (u): u is ResourceKey => typeof u === "object" && u !== null && "kind" in u,
  (u, c) => {
    const asId = IdFromPathSegment.decode(u);
    if (asId._tag === "Right") return t.success({ kind: "id", id: asId.right });
    const asHex = HexFromPathSegment.decode(u);
    if (asHex._tag === "Right") return t.success({ kind: "hex", value: asHex.right.toUpperCase() });
    return t.failure(u, c, "neither an id nor a hex thumbprint / serial number");
  },
  (key) => (key.kind === "id" ? String(key.id) : key.value),
);

/** Node's parsed headers: lower-case names; repeated headers arrive as arrays. */
export const IncomingHeaders = t.record(t.string, t.union([t.string, t.array(t.string), t.undefined]));

export const ApiKeyHeader = t.string;

/** Non-negative integer query parameter such as offset/limit. */
export const NonNegativeIntFromString = new t.Type<number, string, unknown>(
  "NonNegativeIntFromString",
  (u): u is number => typeof u === "number" && Number.isSafeInteger(u) && u >= 0,
  (u, c) =>
    typeof u === "string" && /^\d{1,9}$/.test(u) ? t.success(Number(u)) : t.failure(u, c, "not an integer"),
  String,
);

export const PageQuery = t.partial({ offset: NonNegativeIntFromString, limit: NonNegativeIntFromString });

// ---------------------------------------------------------------------------------------------------------
// POST /order/certificate/{product}

const Zip = t.union([t.string, t.number]);

export const ServerPlatformInput = t.partial({ id: t.Int });

export const CertificateInput = t.partial({
  csr: t.string,
  signature_hash: t.string,
  server_platform: ServerPlatformInput,
  organization_units: t.array(t.string),
  common_name: t.string,
});

export const OrganizationInput = t.partial({
  id: t.Int,
  name: t.string,
  assumed_name: t.string,
  address: t.string,
  address2: t.string,
  city: t.string,
  state: t.string,
  zip: Zip,
  country: t.string,
  telephone: t.string,
  skip_duplicate_org_check: t.boolean,
  contacts: t.array(t.UnknownRecord),
});

export const OrderValidityInput = t.partial({
  years: t.Int,
  days: t.Int,
  custom_expiration_date: t.string,
});

export type ShipInfoInput = t.TypeOf<typeof ShipInfoInput>;
export const ShipInfoInput = t.partial({
  name: t.string,
  addr1: t.string,
  addr2: t.string,
  city: t.string,
  state: t.string,
  zip: Zip,
  country: t.string,
  method: t.string,
});

export const CustomFieldInput = t.partial({ metadata_id: t.Int, value: t.string });

export const OrderPlacementBody = t.partial({
  certificate: CertificateInput,
  organization: OrganizationInput,
  order_validity: OrderValidityInput,
  cs_provisioning_method: t.string,
  ship_info: ShipInfoInput,
  skip_approval: t.boolean,
  comments: t.string,
  container: t.partial({ id: t.Int }),
  auto_renew: t.Int,
  custom_renewal_message: t.string,
  disable_renewal_notifications: t.boolean,
  renewal_of_order_id: t.Int,
  alternative_order_id: t.string,
  custom_fields: t.array(CustomFieldInput),
  payment_method: t.string,
  additional_emails: t.array(t.string),
  enable_guest_access: t.Int,
});
export type OrderPlacementBody = t.TypeOf<typeof OrderPlacementBody>;

// ---------------------------------------------------------------------------------------------------------
// Other /services/v2 bodies

/**
 * POST /order/certificate/{order_id}/reissue. `certificate.common_name` is decoded so that validation can refuse
 * it (DigiCert: omit it for code signing); TLS-only fields such as dns_names are ignored.
 */
export const ReissueBody = t.partial({
  certificate: CertificateInput,
  cs_provisioning_method: t.string,
  ship_info: ShipInfoInput,
  comments: t.string,
  skip_approval: t.boolean,
});
export type ReissueBody = t.TypeOf<typeof ReissueBody>;

/** PUT /order/certificate/{id}/status. */
export const OrderStatusBody = t.partial({ status: t.string, note: t.string, send_emails: t.boolean });

/** PUT /order/certificate/{id}/revoke and PUT /certificate/{id}/revoke (`comment` is the table's spelling). */
export const RevokeBody = t.partial({
  comments: t.string,
  comment: t.string,
  skip_approval: t.boolean,
  revocation_reason: t.string,
});

/** PUT /request/{id}/status. */
export const RequestStatusBody = t.partial({ status: t.string, processor_comment: t.string });

// ---------------------------------------------------------------------------------------------------------
// Control plane (/__emulator)

export const StatusControlBody = t.type({ status: t.string });

export const AutoProgressControlBody = t.type({
  mode: t.union([t.literal("off"), t.literal("on-read")]),
});

export const IssueControlBody = t.partial({ validFrom: t.string, validTill: t.string });

const HttpStatus = t.refinement(t.Int, (n) => n >= 100 && n <= 599, "HttpStatus");

export const FaultInput = t.union([
  t.intersection([
    t.type({ kind: t.literal("error-before"), status: HttpStatus }),
    t.partial({ code: t.string, message: t.string }),
  ]),
  t.type({ kind: t.literal("error-after"), status: HttpStatus }),
  t.type({ kind: t.literal("drop-after") }),
  t.type({ kind: t.literal("delay"), ms: t.refinement(t.number, (n) => n >= 0 && n <= 600_000, "DelayMs") }),
  t.type({
    kind: t.literal("process-late"),
    ms: t.refinement(t.number, (n) => n >= 0 && n <= 600_000, "DelayMs"),
  }),
  t.type({ kind: t.literal("malformed-json") }),
  t.type({ kind: t.literal("extra-fields") }),
  t.type({ kind: t.literal("rate-limited") }),
]);

/** A FaultRule sent as JSON: the path can only be a string (prefix), since JSON has no RegExp. */
export const FaultRuleControlBody = t.intersection([
  t.type({ fault: FaultInput }),
  t.partial({
    method: t.string,
    path: t.string,
    times: t.refinement(t.Int, (n) => n >= 1, "PositiveInt"),
  }),
]);

// ---------------------------------------------------------------------------------------------------------
// CLI

export const PortFromString = new t.Type<number, string, unknown>(
  "PortFromString",
  (u): u is number => typeof u === "number" && Number.isInteger(u) && u >= 0 && u <= 65535,
  (u, c) => {
    if (typeof u !== "string" || !/^\d{1,5}$/.test(u)) return t.failure(u, c, "not a port number");
    const port = Number(u);
    return port <= 65535 ? t.success(port) : t.failure(u, c, "not a port number");
  },
  String,
);

export const AutoProgressFlag = t.union([t.literal("off"), t.literal("on-read")]);

/** What `util.parseArgs` hands back for the CLI's options (strict mode: only these names, right types). */
export const CliValues = t.partial({
  port: t.string,
  "api-key": t.array(t.string),
  "auto-progress": t.string,
  "no-rate-limit": t.boolean,
  "log-requests": t.boolean,
  help: t.boolean,
  version: t.boolean,
});

/** The bits of package.json the CLI reads. */
export const PackageManifest = t.type({ name: t.string, version: t.string });
