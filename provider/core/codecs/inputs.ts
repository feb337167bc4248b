import * as t from "io-ts";
import { integer, integerIn, listOf, nonEmptyString, oneOf, stringWhere, strictObject } from "./combinators";
import { isValidDuration, parseDurationMs } from "../duration";

/** How long a create or update may wait for DigiCert: a week, longer than an EV validation usually takes. */
const MAX_WAIT_TIMEOUT_MS = 7 * 24 * 3_600_000;
const MAX_WAIT_TIMEOUT_TEXT = "168h (7 days)";
import { parseExpirationDate } from "../dates";

/**
 * The resource's inputs as the provider receives them: a camelCase mirror of DigiCert's order body (same nesting,
 * same types) plus the lifecycle settings that are never sent to DigiCert (`onDelete`, `waitFor`, ...).
 * The SDK's `CodeSigningOrderArgs` (sdk/args.ts) is the typed view of the same contract.
 */

export const PRODUCTS = ["code_signing", "code_signing_ev"] as const;
export const PROVISIONING_METHODS = ["ship_token", "client_app", "email", "key_locker"] as const;
export const SHIPPING_METHODS = ["STANDARD", "EXPEDITED"] as const;
export const PAYMENT_METHODS = ["balance", "card", "profile"] as const;
export const SIGNATURE_HASHES = ["sha256"] as const;
export const ON_DELETE_ACTIONS = ["cancel", "retain", "revoke"] as const;
export const WAIT_TARGETS = ["none", "approved", "issued"] as const;

// Not only dots: "." and ".." are dot segments that URL resolution removes from the look-up's path.
const ALTERNATIVE_ORDER_ID = /^(?!\.+$)[A-Za-z0-9._-]{1,64}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** RFC 5321's limit; also keeps the pattern's backtracking on a huge value out of a preview. */
const MAX_EMAIL_LENGTH = 254;

/** DigiCert's platform IDs are positive; -1 is "OTHER" (CSR and HSM orders). */
const serverPlatformId = new t.Type<number, number, unknown>(
  "-1 (OTHER) or a positive integer",
  (u): u is number => integer(-1).is(u) && u !== 0,
  (u, c) => (integer(-1).is(u) && u !== 0 ? t.success(u) : t.failure(u, c)),
  t.identity,
);

export const idReference = strictObject("an object { id }", { id: integer(1) }, {});

export const certificateCodec = strictObject(
  "an object { signatureHash?, serverPlatform?, csr?, organizationUnits? }",
  {},
  {
    signatureHash: oneOf(SIGNATURE_HASHES),
    serverPlatform: strictObject("an object { id }", { id: serverPlatformId }, {}),
    csr: stringWhere("a PEM certificate signing request (-----BEGIN CERTIFICATE REQUEST-----)", (s) =>
      /-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(s),
    ),
    organizationUnits: listOf(nonEmptyString),
  },
);

/** Either `{ id }` of an existing organization or the details of a new one; which one is a rule (rules.ts). */
export const organizationCodec = strictObject(
  "an object: { id } of an existing organization, or a new organization's details",
  {},
  {
    id: integer(1),
    name: nonEmptyString,
    address: nonEmptyString,
    address2: t.string,
    city: nonEmptyString,
    state: nonEmptyString,
    zip: nonEmptyString,
    country: stringWhere("a two-letter country code", (s) => /^[A-Za-z]{2}$/.test(s)),
    telephone: nonEmptyString,
    skipDuplicateOrgCheck: t.boolean,
  },
);

/** Exactly one of the three forms; "exactly one" is a rule (rules.ts) so that it is reported with the others. */
export const orderValidityCodec = strictObject(
  "an object with exactly one of years, days or customExpirationDate",
  {},
  {
    years: integer(1, 3),
    days: integer(1),
    customExpirationDate: stringWhere(
      'a date written YYYY-MM-DD or DD MMM YYYY (e.g. "2027-06-09" or "09 JUN 2027")',
      (s) => parseExpirationDate(s) !== undefined,
    ),
  },
);

export const shipInfoCodec = strictObject(
  "an object { name, addr1, addr2?, city, state, zip, country, method }",
  {
    name: nonEmptyString,
    addr1: nonEmptyString,
    city: nonEmptyString,
    state: nonEmptyString,
    zip: nonEmptyString,
    country: stringWhere("a two-letter country code", (s) => /^[A-Za-z]{2}$/.test(s)),
    method: oneOf(SHIPPING_METHODS),
  },
  { addr2: t.string },
);

export const customFieldCodec = strictObject(
  "an object { metadataId, value }",
  { metadataId: integer(1), value: t.string },
  {},
);

export const inputsCodec = strictObject(
  "the CodeSigningOrder inputs",
  {
    product: oneOf(PRODUCTS),
    certificate: certificateCodec,
    organization: organizationCodec,
    orderValidity: orderValidityCodec,
  },
  {
    container: idReference,
    csProvisioningMethod: oneOf(PROVISIONING_METHODS),
    shipInfo: shipInfoCodec,
    autoRenew: integer(0),
    additionalEmails: listOf(
      stringWhere(
        `an email address (at most ${MAX_EMAIL_LENGTH} characters)`,
        (s) => s.length <= MAX_EMAIL_LENGTH && EMAIL.test(s),
      ),
    ),
    renewalOfOrderId: integer(1),
    skipApproval: t.boolean,
    comments: t.string,
    customRenewalMessage: t.string,
    disableRenewalNotifications: t.boolean,
    customFields: listOf(customFieldCodec),
    paymentMethod: oneOf(PAYMENT_METHODS),
    alternativeOrderId: stringWhere(
      "1 to 64 characters of letters, digits, '.', '_' or '-', not only dots",
      (s) => ALTERNATIVE_ORDER_ID.test(s),
    ),
    enableGuestAccess: integerIn([0, 1] as const),
    // Lifecycle settings: never sent to DigiCert.
    onDelete: oneOf(ON_DELETE_ACTIONS),
    waitFor: oneOf(WAIT_TARGETS),
    waitTimeout: stringWhere(
      `a duration such as "90s", "30m", "2h" or "1h30m", at most ${MAX_WAIT_TIMEOUT_TEXT}`,
      (text) => isValidDuration(text) && (parseDurationMs(text) ?? Infinity) <= MAX_WAIT_TIMEOUT_MS,
    ),
    existingOrderId: integer(1),
    renewBeforeDays: integer(1),
    replaceWhenTerminal: t.boolean,
    resourceKey: nonEmptyString,
  },
);

export type CodeSigningOrderInputs = t.TypeOf<typeof inputsCodec>;
export type Product = (typeof PRODUCTS)[number];
export type WaitTarget = (typeof WAIT_TARGETS)[number];
export type OnDeleteAction = (typeof ON_DELETE_ACTIONS)[number];

/** Every input property name, for telling inputs from outputs in state: derived from the codec. */
export const INPUT_KEYS: readonly InputKey[] = inputsCodec.keys;
export type InputKey = keyof CodeSigningOrderInputs;

/** Inputs holding personal or account data: stored encrypted, never quoted in a message. */
export const SECRET_INPUT_KEYS = ["shipInfo", "customFields"] as const satisfies readonly InputKey[];
