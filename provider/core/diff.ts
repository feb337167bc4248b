import { certificateCodec, InputKey, INPUT_KEYS, orderValidityCodec } from "./codecs/inputs";
import { STATE_VERSION, StoredState } from "./codecs/state";
import { certificateBody, orderValidityBody } from "./mapping";
import { canonicalJson } from "./canonicalJson";
import { certificateExpired } from "./dates";
import { isTerminalStatus } from "./orderStatus";
import { planChange, ReplacementReason } from "./plans";
import { isPlainObject } from "./codecs/combinators";
import { withKeptInputs } from "./echoedInputs";
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
/**
 * Replacing inputs a reissue of an issued order can change instead (no new order): `csProvisioningMethod`, and of
 * `certificate` its `csr`, `signatureHash` and `serverPlatform` (not `organizationUnits`).
 */
export const REISSUE_INPUTS: readonly InputKey[] = ["certificate", "csProvisioningMethod"];
const REISSUE_CERTIFICATE_FIELDS = ["csr", "signatureHash", "serverPlatform"] as const;

export interface DiffDecision {
  readonly changes: boolean;
  readonly replaces: string[];
  /** Why a replacement is planned; undefined when none is. */
  readonly reason?: Exclude<ReplacementReason, "engine">;
  /** A human sentence for the preview when the replacement is not caused by an edit, or for a reissue. */
  readonly explanation?: string;
  /** Update sends one reissue of the order (no new order): for a changed definition or a renewal. */
  readonly reissue?: "definition" | "renewal";
  /** The declaration asks for another reissue while one is pending: Diff fails with this. */
  readonly refusal?: { readonly property: string; readonly reason: string };
}

/** The new inputs as Diff sees them: as sent (values may be unknown in preview), and each field that decodes. */
export interface NewInputs {
  readonly raw: Record<string, unknown>;
  readonly decoded: Partial<CodeSigningOrderInputs>;
  /**
   * The front door's own code in state is not the current one (the dynamic resource's serialized `__provider`):
   * an update, so that refresh and destroy run the current code. A plugin front door has none: false.
   */
  readonly codeChanged: boolean;
}

/** Fails with Diff's refusal, naming the property (Diff in preview, and Update deciding again). */
export function throwIfRefused(decision: DiffDecision): void {
  if (decision.refusal) throw new Error(`${decision.refusal.property}: ${decision.refusal.reason}`);
}

/** Compares the new inputs with the stored state (which echoes the old inputs). Pure; `now` is injected. */
export function decideDiff(stored: StoredState, news: NewInputs, now: number): DiffDecision {
  const olds = stored.echoed;
  const organizationKept = sameOrganization(stored, news);
  // Dropping `existingOrderId` (a finished import) keeps whatever order the resource holds now.
  const importFinished = news.raw.existingOrderId === undefined && olds.existingOrderId !== undefined;
  const withKept = withKeptInputs(news.raw, olds);
  const kept = (key: InputKey) =>
    (key === "organization" && organizationKept) || (key === "existingOrderId" && importFinished);
  const replaces: string[] = REPLACING_INPUTS.filter(
    (key) => differs(key, olds[key], withKept[key]) && !kept(key),
  );
  const updated: string[] = IN_PLACE_INPUTS.filter((key) => differs(key, olds[key], withKept[key]));
  if (importFinished) updated.push("existingOrderId");
  const { orderId, organizationId } = stored.computed;
  let note: string | undefined;
  if (organizationKept && differs("organization", olds.organization, news.raw.organization)) {
    updated.push("organization");
    note = `organization changed, but order ${orderId} keeps organization ${organizationId}, created with it: no new order (Pulumi does not edit the organization at DigiCert)`;
  }
  const providerChanged = news.codeChanged || stored.computed.stateVersion !== STATE_VERSION;
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
  let reissue: DiffDecision["reissue"];
  let refusal: DiffDecision["refusal"];
  if (replaces.length === 0 && deadStatus !== undefined && news.decoded.replaceWhenTerminal !== false) {
    replaces.push("status");
    reason = "terminal";
    explanation = `order ${orderId} is ${deadStatus} at DigiCert: a new order will be placed (set replaceWhenTerminal: false to keep it as it is)`;
  } else {
    const reissuable = reissuablePaths(replaces, olds, news.raw);
    const carried = (key: string) => reissuable.some((path) => path.split(".")[0] === key);
    const plan = planChange({
      orderId,
      status,
      validTill: stored.computed.validTill,
      orderValidTill: stored.computed.orderValidTill,
      replacing: replaces.filter((key) => !carried(key)),
      reissuable,
      reissue: stored.computed.reissue,
      asksRecordedReissue: asksRecordedReissue(stored, news),
      renewBeforeDays: news.decoded.renewBeforeDays,
      now,
    });
    switch (plan.kind) {
      case "keep":
        break;
      case "replace":
        if (plan.reason === "renewal") {
          replaces.push("validTill");
          reason = "renewal";
        }
        explanation = plan.explanation;
        break;
      case "reissue":
        replaces.length = 0;
        reason = undefined;
        reissue = plan.reason;
        explanation = plan.explanation;
        break;
      case "await-reissue":
        replaces.length = 0;
        reason = undefined;
        explanation = plan.explanation;
        break;
      case "refuse":
        refusal = { property: differsFromPending(stored, news.raw) ?? plan.property, reason: plan.reason };
        break;
    }
  }
  return {
    changes: replaces.length > 0 || updated.length > 0 || providerChanged || reissue !== undefined,
    replaces,
    reason,
    explanation: explanation ?? note,
    reissue,
    refusal,
  };
}

/**
 * The changed property paths a reissue can carry, among the changed replacing inputs: `csProvisioningMethod`, and
 * `certificate.csr`, `.signatureHash`, `.serverPlatform` when nothing else of the certificate changed. A value not
 * known yet (preview) counts as changed; a whole certificate not known yet cannot be judged, and replaces.
 */
function reissuablePaths(
  replaces: readonly string[],
  olds: Record<string, unknown>,
  raw: Record<string, unknown>,
) {
  const paths: string[] = [];
  if (replaces.includes("certificate")) {
    const old = olds.certificate;
    const next = raw.certificate;
    if (!isPlainObject(old) || !isPlainObject(next)) return [];
    const field = (value: Record<string, unknown>, key: string) =>
      key === "signatureHash" ? (value[key] ?? "sha256") : value[key];
    const changed = (key: string) =>
      unknownPaths(next[key]).length > 0 ||
      canonicalJson(field(old, key)) !== canonicalJson(field(next, key));
    const others = Object.keys({ ...old, ...next }).filter(
      (key) => !(REISSUE_CERTIFICATE_FIELDS as readonly string[]).includes(key),
    );
    if (others.some(changed)) return [];
    paths.push(...REISSUE_CERTIFICATE_FIELDS.filter(changed).map((key) => `certificate.${key}`));
  }
  if (replaces.includes("csProvisioningMethod")) paths.push("csProvisioningMethod");
  return paths;
}

/**
 * While a reissue Pulumi requested is pending, the first property path in which the declaration differs from what
 * that reissue asked for (not from what the current certificate was issued for): the one a refusal names.
 */
function differsFromPending(stored: StoredState, raw: Record<string, unknown>): string | undefined {
  const requested =
    stored.computed.reissue?.status === "pending" ? stored.computed.reissue.requested : undefined;
  if (requested === undefined) return undefined;
  const asked: Record<string, unknown> = {
    certificate: requested.certificate,
    csProvisioningMethod: requested.csProvisioningMethod,
  };
  const keys = REISSUE_INPUTS.filter((key) => differs(key, asked[key], raw[key]));
  return reissuablePaths(keys, asked, raw)[0];
}

/** The declaration asks for exactly what the recorded reissue asked for (and nothing not known yet). */
function asksRecordedReissue(stored: StoredState, news: NewInputs): boolean | "unknown" {
  const asked = { certificate: news.raw.certificate, csProvisioningMethod: news.raw.csProvisioningMethod };
  if (unknownPaths(asked).length > 0) return "unknown";
  const requested = stored.computed.reissue?.requested;
  if (requested === undefined || !certificateCodec.is(asked.certificate)) return false;
  return (
    canonicalJson(certificateBody(asked.certificate)) ===
      canonicalJson(certificateBody(requested.certificate)) &&
    asked.csProvisioningMethod === requested.csProvisioningMethod
  );
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
  const next = news.decoded.organization;
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
