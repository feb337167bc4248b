import { certificateCodec, InputKey, INPUT_KEYS, orderValidityCodec } from "./codecs/inputs";
import { StoredState } from "./codecs/state";
import { certificateBody, orderValidityBody } from "./mapping";
import { canonicalJson } from "./canonicalJson";
import { certificateExpired, parseApiDate, DAY_MS } from "./dates";
import { isTerminalStatus } from "./orderStatus";
import { ReplacementReason } from "./plans";
import { STATE_VERSION } from "./state";
import { unknownPaths } from "./unknowns";
import { CodeSigningOrderInputs } from "./codecs/inputs";

/**
 * Inputs that define the certificate: changing one means a new order, which DigiCert bills again.
 * Everything else is the provider's own bookkeeping or only matters when an order is placed, and updates state.
 */
export const REPLACING_INPUTS: readonly InputKey[] = [
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
export const IN_PLACE_INPUTS: readonly InputKey[] = INPUT_KEYS.filter((k) => !REPLACING_INPUTS.includes(k));

export interface DiffDecision {
  readonly changes: boolean;
  readonly replaces: string[];
  /** Why a replacement is planned; undefined when none is. */
  readonly reason?: Exclude<ReplacementReason, "engine">;
  /** A human sentence for the preview when the replacement is not caused by an edit. */
  readonly explanation?: string;
}

/** The new inputs as Diff sees them: as sent (values may be unknown in preview), and each field that decodes. */
export interface NewInputs {
  readonly raw: Record<string, unknown>;
  readonly declared: Partial<CodeSigningOrderInputs>;
}

/** Compares the new inputs with the stored state (which echoes the old inputs). Pure; `now` is injected. */
export function decideDiff(stored: StoredState, news: NewInputs, now: number): DiffDecision {
  const olds = stored.echoed;
  const organizationKept = sameOrganization(stored, news);
  // Dropping `existingOrderId` (a finished import) keeps whatever order the resource holds now.
  const importFinished = news.raw.existingOrderId === undefined && olds.existingOrderId !== undefined;
  const kept = (key: InputKey) =>
    (key === "organization" && organizationKept) || (key === "existingOrderId" && importFinished);
  const replaces: string[] = REPLACING_INPUTS.filter(
    (key) => differs(key, olds[key], news.raw[key]) && !kept(key),
  );
  const updated: string[] = IN_PLACE_INPUTS.filter((key) => differs(key, olds[key], news.raw[key]));
  if (importFinished) updated.push("existingOrderId");
  const { orderId, organizationId } = stored.computed;
  let note: string | undefined;
  if (organizationKept && differs("organization", olds.organization, news.raw.organization)) {
    updated.push("organization");
    note = `organization changed, but order ${orderId} keeps organization ${organizationId}, created with it: no new order (Pulumi does not edit the organization at DigiCert)`;
  }
  const providerChanged =
    stored.providerCode !== news.raw.__provider || stored.computed.stateVersion !== STATE_VERSION;
  // A new existingOrderId means adopting that order, not ordering.
  let reason: DiffDecision["reason"] =
    replaces.length === 0
      ? undefined
      : replaces.includes("existingOrderId") && news.raw.existingOrderId !== undefined
        ? "import"
        : "definition";
  let explanation: string | undefined;

  const status = stored.computed.status;
  const deadStatus = isTerminalStatus(status) ? status : expiredByDate(stored, now);
  if (replaces.length === 0 && deadStatus !== undefined && news.declared.replaceWhenTerminal !== false) {
    replaces.push("status");
    reason = "terminal";
    explanation = `order ${orderId} is ${deadStatus} at DigiCert: a new order will be placed (set replaceWhenTerminal: false to keep it as it is)`;
  }
  const renewal = renewalDue(stored, news, now);
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
function sameOrganization(stored: StoredState, news: NewInputs): boolean {
  const created = stored.computed.organizationId;
  const old = stored.declared.organization;
  if (created === undefined || old === undefined || old.id !== undefined) return false;
  const next = news.declared.organization;
  if (next === undefined || unknownPaths(news.raw.organization).length > 0) return false;
  return next.id === undefined || next.id === created;
}

/**
 * DigiCert may report an order as `issued` after its certificate expired (list filters say so): the certificate's
 * own `validTill`, once past, makes it as dead as `expired`.
 */
function expiredByDate(stored: StoredState, now: number): string | undefined {
  const { status, validTill } = stored.computed;
  if (status !== "issued" || validTill === undefined) return undefined;
  return certificateExpired(validTill, now) ? `expired (valid till ${validTill})` : undefined;
}

/** A sentence saying why the certificate is due for renewal, or undefined if it is not. */
function renewalDue(stored: StoredState, news: NewInputs, now: number): string | undefined {
  const days = news.declared.renewBeforeDays;
  const { status, validTill, orderId } = stored.computed;
  if (days === undefined || validTill === undefined) return undefined;
  if (status !== undefined && status !== "issued") return undefined;
  const till = parseApiDate(validTill);
  if (till === undefined || now < till - days * DAY_MS) return undefined;
  return `the certificate of order ${orderId} is valid till ${validTill}, within renewBeforeDays (${days}): a renewal order (a new paid order) will be placed`;
}

function differs(key: InputKey, old: unknown, next: unknown): boolean {
  if (unknownPaths(next).length > 0) return true;
  return canonicalJson(normalize(key, old)) !== canonicalJson(normalize(key, next));
}

/** Equal meaning, equal form: a default spelled out, or a date written another way, is no change. */
function normalize(key: InputKey, value: unknown): unknown {
  if (key === "certificate" && certificateCodec.is(value)) return certificateBody(value);
  if (key === "orderValidity" && orderValidityCodec.is(value)) return orderValidityBody(value);
  return value;
}
