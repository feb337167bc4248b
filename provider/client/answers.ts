import * as t from "io-ts";

/**
 * Codecs for what CertCentral sends back. Decoding is lenient on purpose (certcentral-api.md §3, §4, §6):
 * unknown extra fields pass, optional fields may be missing or null, status values are open strings, and IDs
 * may arrive as numbers or numeric strings (some clients model request IDs as strings).
 */

const nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null, t.undefined]);

/** A JSON integer ID, or the same number written as a string. */
export const apiId = new t.Type<number, number, unknown>(
  "an ID",
  (u): u is number => typeof u === "number" && Number.isSafeInteger(u),
  (u, c) => {
    if (typeof u === "number" && Number.isSafeInteger(u)) return t.success(u);
    if (typeof u === "string" && /^\d+$/.test(u) && Number.isSafeInteger(Number(u)))
      return t.success(Number(u));
    return t.failure(u, c);
  },
  t.identity,
);

/**
 * A status (or request type) as DigiCert writes it, lower-cased here once: DigiCert documents lower case, and every
 * rule compares lower case, so no reader normalises it again. Unknown values pass (status values are open).
 */
export const statusText = new t.Type<string, string, unknown>(
  "a status",
  (u): u is string => typeof u === "string",
  (u, c) => (typeof u === "string" ? t.success(u.toLowerCase()) : t.failure(u, c)),
  t.identity,
);

export const requestSummary = t.type({ id: apiId, status: statusText });

/** `POST /order/certificate/{product}`: 201 `{ id, requests, certificate_id?, organization? }`. */
export const orderPlacedResponse = t.intersection([
  t.type({ id: apiId }),
  t.partial({
    requests: nullable(t.array(requestSummary)),
    certificate_id: nullable(apiId),
    organization: nullable(t.partial({ id: nullable(apiId) })),
  }),
]);
export type OrderPlacedResponse = t.TypeOf<typeof orderPlacedResponse>;

/** An empty organization may arrive as `[]` instead of `{}` (certcentral-api.md §4). */
const organizationRef = t.union([t.partial({ id: nullable(apiId) }), t.array(t.unknown)]);

/**
 * `GET /order/certificate/{id}`: only the fields the resource uses are decoded, so an odd value in any other field
 * cannot fail a refresh.
 */
export const orderInfoResponse = t.intersection([
  t.type({ id: apiId }),
  t.partial({
    status: nullable(statusText),
    certificate: nullable(
      t.partial({
        id: nullable(apiId),
        serial_number: nullable(t.string),
        thumbprint: nullable(t.string),
        valid_from: nullable(t.string),
        valid_till: nullable(t.string),
        date_issued: nullable(t.string),
        csr: nullable(t.string),
        server_platform: nullable(t.partial({ id: nullable(t.number) })),
        signature_hash: nullable(t.string),
      }),
    ),
    /** The order's own end: past the certificate's when the order covers more than one certificate's life. */
    order_valid_till: nullable(t.string),
    /** What DigiCert's Hardware Certificate Installer needs (ship_token, client_app); a secret. */
    hardware_init_code: nullable(t.string),
    order_validity: nullable(
      t.partial({
        years: nullable(t.number),
        days: nullable(t.number),
        custom_expiration_date: nullable(t.string),
      }),
    ),
    cs_provisioning_method: nullable(t.string),
    container: nullable(t.partial({ id: nullable(apiId) })),
    organization: nullable(organizationRef),
    product: nullable(t.partial({ name_id: nullable(t.string) })),
    product_name_id: nullable(t.string),
    requests: nullable(t.array(t.intersection([requestSummary, t.partial({ type: nullable(statusText) })]))),
    alternative_order_id: nullable(t.string),
    date_created: nullable(t.string),
  }),
]);
export type OrderInfoResponse = t.TypeOf<typeof orderInfoResponse>;

/** `GET /order/alternate/{id}`: the `orders` key may be missing when nothing matches. */
export const alternateOrdersResponse = t.partial({
  orders: nullable(
    t.array(
      t.intersection([
        t.type({ order_id: apiId }),
        t.partial({ certificate_id: nullable(apiId), status: nullable(statusText) }),
      ]),
    ),
  ),
});
export type AlternateOrdersResponse = t.TypeOf<typeof alternateOrdersResponse>;

/**
 * `POST /order/certificate/{order_id}/reissue`. Barely documented (certcentral-api.md §10: "like a new order" [L]),
 * so everything is optional, a request may lack its status, and an empty body is an acceptance too.
 */
export const reissueResponse = t.union([
  t.partial({
    id: nullable(apiId),
    requests: nullable(
      t.array(t.intersection([t.type({ id: apiId }), t.partial({ status: nullable(statusText) })])),
    ),
    certificate_id: nullable(apiId),
  }),
  t.undefined,
]);
export type ReissueResponse = t.TypeOf<typeof reissueResponse>;

/** A revoke that needs an administrator's approval answers 201 with the revoke request. */
export const revokeRequestResponse = t.partial({ id: nullable(apiId), status: nullable(statusText) });

/** DigiCert's error body: always an array of `{ code, message }`. */
export const errorBody = t.type({
  errors: t.array(t.intersection([t.type({ code: t.string }), t.partial({ message: nullable(t.string) })])),
});
