import { certificateCodec, INPUT_KEYS, orderValidityCodec } from "./codecs/inputs";
import { certificateBody, orderValidityBody } from "./mapping";
import { canonicalJson } from "./canonicalJson";
import { certificateExpired, parseApiDate, DAY_MS } from "./dates";
import { isTerminalStatus, STATE_VERSION } from "./state";
import { unknownPaths } from "./unknowns";
import { isPlainObject } from "./codecs/combinators";

/**
 * Inputs that define the certificate: changing one means a new order, which DigiCert bills again.
 * Everything else is the provider's own bookkeeping or only matters when an order is placed, and updates state.
 */
export const REPLACING_INPUTS: readonly string[] = [
  "product",
  "organization",
  "certificate",
  "orderValidity",
  "csProvisioningMethod",
  "container",
  "existingOrderId",
  // The order's identity at DigiCert: a new one means a new order (and is how to force one).
  "alternativeOrderId",
];
export const IN_PLACE_INPUTS: readonly string[] = INPUT_KEYS.filter((k) => !REPLACING_INPUTS.includes(k));

export type ReplacementReason = "definition" | "renewal" | "terminal" | "import";

export interface DiffDecision {
  readonly changes: boolean;
  readonly replaces: string[];
  /** Why a replacement is planned; undefined when none is. */
  readonly reason?: ReplacementReason;
  /** A human sentence for the preview when the replacement is not caused by an edit. */
  readonly explanation?: string;
}

/** Compares the new inputs with the old outputs (which echo the old inputs). Pure; `now` is injected. */
export function decideDiff(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  now: number,
): DiffDecision {
  const organizationKept = sameOrganization(olds, news);
  // Dropping `existingOrderId` (a finished import) keeps whatever order the resource holds now.
  const importFinished = news.existingOrderId === undefined && olds.existingOrderId !== undefined;
  const kept = (key: string) =>
    (key === "organization" && organizationKept) || (key === "existingOrderId" && importFinished);
  const replaces = REPLACING_INPUTS.filter((key) => differs(key, olds[key], news[key]) && !kept(key));
  const updated = IN_PLACE_INPUTS.filter((key) => differs(key, olds[key], news[key]));
  if (importFinished) updated.push("existingOrderId");
  let note: string | undefined;
  if (organizationKept && differs("organization", olds.organization, news.organization)) {
    updated.push("organization");
    note = `organization changed, but order ${String(olds.orderId)} keeps organization ${String(olds.organizationId)}, created with it: no new order (Pulumi does not edit the organization at DigiCert)`;
  }
  const providerChanged = olds.__provider !== news.__provider || olds.stateVersion !== STATE_VERSION;
  // A new existingOrderId means taking that order over, not ordering.
  let reason: ReplacementReason | undefined =
    replaces.length === 0
      ? undefined
      : replaces.includes("existingOrderId") && news.existingOrderId !== undefined
        ? "import"
        : "definition";
  let explanation: string | undefined;

  const deadStatus = isTerminalStatus(olds.status) ? String(olds.status) : expiredByDate(olds, now);
  if (replaces.length === 0 && deadStatus !== undefined && news.replaceWhenTerminal !== false) {
    replaces.push("status");
    reason = "terminal";
    explanation = `order ${String(olds.orderId)} is ${deadStatus} at DigiCert: a new order will be placed (set replaceWhenTerminal: false to keep it as it is)`;
  }
  const renewal = renewalDue(olds, news, now);
  if (replaces.length === 0 && renewal) {
    replaces.push("validTill");
    reason = "renewal";
    explanation = renewal;
  }
  return {
    changes: replaces.length > 0 || updated.length > 0 || providerChanged,
    replaces,
    reason,
    explanation: explanation ?? note,
  };
}

/**
 * An order placed with a new organization's details created that organization at DigiCert. Afterwards, naming it
 * by its new ID, or correcting the details, means the same organization: the order stays (state is updated).
 * Only a different existing organization (another ID), or details after an ID, means a new order.
 */
function sameOrganization(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  const created = olds.organizationId;
  if (
    typeof created !== "number" ||
    !isPlainObject(olds.organization) ||
    olds.organization.id !== undefined
  ) {
    return false;
  }
  if (!isPlainObject(news.organization) || unknownPaths(news.organization).length > 0) return false;
  const id = news.organization.id;
  return id === undefined || id === created;
}

/**
 * DigiCert may report an order as `issued` after its certificate expired (list filters say so): the certificate's
 * own `validTill`, once past, makes it as dead as `expired`.
 */
function expiredByDate(olds: Record<string, unknown>, now: number): string | undefined {
  if (olds.status !== "issued" || typeof olds.validTill !== "string") return undefined;
  return certificateExpired(olds.validTill, now) ? `expired (valid till ${olds.validTill})` : undefined;
}

/** A sentence saying why the certificate is due for renewal, or undefined if it is not. */
function renewalDue(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  now: number,
): string | undefined {
  const days = news.renewBeforeDays;
  if (typeof days !== "number" || typeof olds.validTill !== "string") return undefined;
  if (typeof olds.status === "string" && olds.status !== "issued") return undefined;
  const validTill = parseApiDate(olds.validTill);
  if (validTill === undefined || now < validTill - days * DAY_MS) return undefined;
  return `the certificate of order ${String(olds.orderId)} is valid till ${olds.validTill}, within renewBeforeDays (${days}): a renewal order (a new paid order) will be placed`;
}

function differs(key: string, old: unknown, next: unknown): boolean {
  if (unknownPaths(next).length > 0) return true;
  return canonicalJson(normalize(key, old)) !== canonicalJson(normalize(key, next));
}

/** Equal meaning, equal form: a default spelled out, or a date written another way, is no change. */
function normalize(key: string, value: unknown): unknown {
  if (key === "certificate") {
    const decoded = certificateCodec.decode(value);
    return decoded._tag === "Right" ? certificateBody(decoded.right) : value;
  }
  if (key === "orderValidity") {
    const decoded = orderValidityCodec.decode(value);
    return decoded._tag === "Right" ? orderValidityBody(decoded.right) : value;
  }
  return value;
}
