import { isLeft } from "fp-ts/Either";
import { inputsCodec } from "./codecs/inputs";
import { isPlainObject } from "./codecs/combinators";
import { InputProblem, reportErrors } from "./codecs/report";
import { parseExpirationDate, toEpochMs } from "./dates";
import { isUnknown, touchesUnknown, unknownPaths } from "./unknowns";
import { SECRET_INPUT_KEYS } from "./codecs/inputs";

/** DigiCert's ceiling on a code signing certificate's life since 2026-02-24 (CA/B Forum ballot CSC-31). */
export const MAX_CERTIFICATE_DAYS = 459;

const NEW_ORGANIZATION_FIELDS = ["name", "address", "city", "state", "zip", "country", "telephone"] as const;

/**
 * Every rule `check` enforces, over the raw inputs: the io-ts shape (types, ranges, enums, unknown
 * properties) and the cross-field rules of DigiCert's parameter table. All problems are reported at once; any
 * problem touching a value unknown during preview is dropped, since it may be fine once the value is known.
 */
export function validateInputs(
  raw: Record<string, unknown>,
  now: number,
  olds: Record<string, unknown> = {},
): InputProblem[] {
  const unknown = unknownPaths(raw);
  const decoded = inputsCodec.validate(raw, [{ key: "", type: inputsCodec, actual: raw }]);
  const shapeProblems = isLeft(decoded) ? reportErrors(decoded.left, "", isPlainInput) : [];
  const problems = [...shapeProblems, ...crossFieldProblems(raw, now, olds)];
  return problems.filter((p) => !touchesUnknown(p.property, unknown));
}

/** Values of secret inputs are never quoted back, not even in a check failure. */
function isPlainInput(path: string): boolean {
  const top = path.split(/[.[]/)[0]!;
  return !(SECRET_INPUT_KEYS as readonly string[]).includes(top);
}

function crossFieldProblems(
  raw: Record<string, unknown>,
  now: number,
  olds: Record<string, unknown>,
): InputProblem[] {
  const problems: InputProblem[] = [];
  const add = (property: string, reason: string) => problems.push({ property, reason });

  const certificate = isPlainObject(raw.certificate) ? raw.certificate : {};
  const serverPlatform = isPlainObject(certificate.serverPlatform) ? certificate.serverPlatform : undefined;
  const method = raw.csProvisioningMethod;

  // organization: an existing one by id, or a new one by its details; never both.
  if (isPlainObject(raw.organization)) {
    const org = raw.organization;
    const details = Object.keys(org).filter((k) => k !== "id");
    if (org.id !== undefined && details.length > 0) {
      add(
        "organization",
        `give either organization.id (an existing organization) or a new organization's details, not both (found id and ${details.join(", ")})`,
      );
    } else if (org.id === undefined) {
      if (details.length === 0) {
        add(
          "organization",
          `must have id (an existing organization), or the details of a new organization (${NEW_ORGANIZATION_FIELDS.join(", ")})`,
        );
      } else {
        for (const field of NEW_ORGANIZATION_FIELDS) {
          if (org[field] === undefined) {
            add(
              `organization.${field}`,
              "is required for a new organization (or give organization.id instead)",
            );
          }
        }
      }
    }
  }

  // orderValidity: exactly one form; a custom date lies in the future.
  if (isPlainObject(raw.orderValidity)) {
    const forms = ["years", "days", "customExpirationDate"].filter(
      (k) => (raw.orderValidity as Record<string, unknown>)[k] !== undefined,
    );
    if (forms.length !== 1) {
      add(
        "orderValidity",
        `must have exactly one of years (1 to 3), days (1 or more) or customExpirationDate${forms.length > 1 ? ` (found ${forms.join(", ")})` : ""}`,
      );
    }
    // Judged when the date is set: an order placed with it stays valid in state after the date has passed.
    const dateText = raw.orderValidity.customExpirationDate;
    const date = typeof dateText === "string" ? parseExpirationDate(dateText) : undefined;
    const alreadyOrdered =
      isPlainObject(olds.orderValidity) && olds.orderValidity.customExpirationDate === dateText;
    if (date && toEpochMs(date) <= now && !alreadyOrdered) {
      add("orderValidity.customExpirationDate", "must lie in the future");
    }
  }

  if (raw.product === "code_signing_ev" && method === undefined) {
    add(
      "csProvisioningMethod",
      'is required for code_signing_ev; must be "ship_token" | "client_app" | "email" | "key_locker"',
    );
  }
  if ((method === undefined || method === "client_app") && serverPlatform === undefined) {
    add(
      "certificate.serverPlatform",
      `is required when csProvisioningMethod is ${method === undefined ? "not set" : '"client_app"'}; must be an object { id }`,
    );
  }
  if ((serverPlatform?.id === 55 || method === "email") && certificate.csr === undefined) {
    add(
      "certificate.csr",
      `is required when ${method === "email" ? 'csProvisioningMethod is "email"' : "certificate.serverPlatform.id is 55"}; must be a PEM certificate signing request`,
    );
  }
  if (raw.shipInfo !== undefined && !isUnknown(method) && method !== "ship_token") {
    add("shipInfo", 'is allowed only when csProvisioningMethod is "ship_token"');
  }
  if (
    raw.resourceKey === undefined &&
    raw.alternativeOrderId === undefined &&
    raw.existingOrderId === undefined
  ) {
    add(
      "resourceKey",
      "is required: the CodeSigningOrder class sets it; a provider used on its own needs resourceKey or alternativeOrderId",
    );
  }

  // DigiCert's own renewals happen outside state; both together would pay for two renewals.
  if (typeof raw.renewBeforeDays === "number" && typeof raw.autoRenew === "number" && raw.autoRenew > 0) {
    add(
      "autoRenew",
      "must be 0 when renewBeforeDays is set: DigiCert would renew the order too, and both renewals are paid",
    );
  }
  // A renewal window near the certificate's life would renew again right after each renewal.
  if (typeof raw.renewBeforeDays === "number" && isPlainObject(raw.orderValidity)) {
    if (typeof raw.orderValidity.customExpirationDate === "string") {
      add(
        "renewBeforeDays",
        "needs orderValidity.years or orderValidity.days: a renewal with the same custom expiration date would expire with the old one",
      );
    }
    const lifetime = certificateLifetimeDays(raw.orderValidity);
    if (lifetime !== undefined && raw.renewBeforeDays > lifetime / 2) {
      add(
        "renewBeforeDays",
        `must be at most half the certificate's life (${Math.floor(lifetime / 2)} of ${lifetime} days here; code signing certificates live at most ${MAX_CERTIFICATE_DAYS} days), or renewals would follow each other`,
      );
    }
  }
  return problems;
}

/** The life of a certificate ordered for these years or days, capped at DigiCert's ceiling. */
export function certificateLifetimeDays(orderValidity: Record<string, unknown>): number | undefined {
  let days: number | undefined;
  if (typeof orderValidity.years === "number") days = orderValidity.years * 365;
  else if (typeof orderValidity.days === "number") days = orderValidity.days;
  return days === undefined ? undefined : Math.min(days, MAX_CERTIFICATE_DAYS);
}
