import * as t from "io-ts";
import { isRight } from "fp-ts/Either";
import { apiId } from "../../client/answers";
import {
  certificateCodec,
  CodeSigningOrderInputs,
  INPUT_KEYS,
  inputsCodec,
  PROVISIONING_METHODS,
} from "./inputs";
import { oneOf } from "./combinators";

/*
 * The wire format of a resource's state: its inputs echoed (diff compares new inputs with these old outputs)
 * plus what DigiCert and the provider computed. `stateVersion` lets a newer implementation read what an older one
 * wrote (the serialized shell always runs the installed implementation).
 */
export const STATE_VERSION = 1;

/**
 * A resource's stored state (its outputs, as the engine sends them back): the inputs echoed, plus what DigiCert and
 * the provider computed. Decoded field by field and leniently: state written by an older version may lack fields,
 * and a value of the wrong type is dropped rather than trusted.
 */

/** What a reissue can change: the inputs it carries (the rest of the order stays). */
export const reissuedInputsCodec = t.intersection([
  t.type({ certificate: certificateCodec }),
  t.partial({ csProvisioningMethod: oneOf(PROVISIONING_METHODS) }),
]);
export type ReissuedInputs = t.TypeOf<typeof reissuedInputsCodec>;

/**
 * The last reissue Pulumi requested, while it is open or after DigiCert turned it down. `pending`: sent (or found)
 * and not issued yet; `rejected` / `canceled`: DigiCert (or someone in CertCentral) turned it down, and the
 * declaration it carried is still not applied. Gone once the reissued certificate is issued.
 */
export const reissueRecordCodec = t.intersection([
  t.type({ status: t.string, requested: reissuedInputsCodec }),
  t.partial({
    /** The reissue request's ID, when DigiCert told it. */
    requestId: apiId,
    /** The certificate the reissue replaces: a certificate with another ID is the reissued one. */
    replacesCertificateId: apiId,
  }),
]);
export type ReissueRecord = t.TypeOf<typeof reissueRecordCodec>;

/** What DigiCert and the provider computed: the resource's outputs beyond its echoed inputs. */
export const computedOutputFields = {
  orderId: apiId,
  status: t.string,
  requests: t.array(t.type({ id: apiId, status: t.string })),
  certificateId: apiId,
  organizationId: apiId,
  serialNumber: t.string,
  thumbprint: t.string,
  validFrom: t.string,
  validTill: t.string,
  dateIssued: t.string,
  /** The alternative order ID the order carries at DigiCert (the user's, or the derived one). */
  assignedAlternativeOrderId: t.string,
  /** The order this one renews or replaces, if any. */
  predecessorOrderId: apiId,
  /** False when DigiCert refused the renewal link and an unlinked order was placed instead. */
  renewalLinked: t.boolean,
  /** True when the resource adopted an order that already existed instead of placing one. */
  adoptedExistingOrder: t.boolean,
  /** The order's own validity end (`order_valid_till`), which may lie past the certificate's. */
  orderValidTill: t.string,
  /** The issued certificate (PEM), downloaded once per certificate. */
  certificatePem: t.string,
  /** The intermediate certificates (PEM), without the root. */
  chainPem: t.string,
  /** The certificate the download was done (or found unavailable) for: never downloaded twice. */
  downloadedCertificateId: apiId,
  /** The initialization code for DigiCert's Hardware Certificate Installer (ship_token, client_app). Secret. */
  hardwareInitCode: t.string,
  /** The last reissue requested, until its certificate is issued. */
  reissue: reissueRecordCodec,
};
type FieldsOf<P extends t.Props> = { [K in keyof P]: t.TypeOf<P[K]> };
export type OutputKey = keyof typeof computedOutputFields;
export type ComputedOutputs = Partial<FieldsOf<typeof computedOutputFields>> & { stateVersion?: number };

/** The outputs a resource declares beyond its echoed inputs (the SDK names each in the resource's props). */
export const OUTPUT_KEYS = Object.keys(computedOutputFields) as OutputKey[];

export interface StoredState {
  /** The echoed inputs that still decode, typed. */
  readonly declared: Partial<CodeSigningOrderInputs>;
  /** The echoed inputs as stored: what Diff compares new inputs with and Read echoes back. */
  readonly echoed: Record<string, unknown>;
  readonly computed: ComputedOutputs;
}

/** What an operation leaves in the resource's state, typed: the inputs it echoes and what was computed. */
export interface ResourceState {
  readonly echoed: Readonly<Record<string, unknown>>;
  readonly computed: ComputedOutputs;
}

/** The host refuses `undefined` in outputs: absent values are left out instead. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The state as the host stores it (the resource's outputs): the echoed inputs first, then computed values (which win
 * on a name clash: there is none), stamped with the current state version: every write migrates. (Version 1 is the
 * first: nothing older to read.) The front doors encode; the core returns ResourceState.
 */
export function encodeState({ echoed, computed }: ResourceState): Record<string, unknown> {
  const inputs = Object.entries(echoed).filter(
    ([k, v]) => (INPUT_KEYS as readonly string[]).includes(k) && v !== undefined,
  );
  return { ...Object.fromEntries(inputs), ...withoutUndefined({ ...computed, stateVersion: STATE_VERSION }) };
}

export class NewerStateError extends Error {
  constructor(version: number) {
    super(
      `This resource's state was written by a newer pulumi-digicert-code-signing (state version ${version}; this ` +
        `one reads up to ${STATE_VERSION}). Upgrade the package in this program's folder.`,
    );
    this.name = "NewerStateError";
  }
}

export function decodeStoredState(props: Record<string, unknown>): StoredState {
  const { stateVersion } = decodeFields({ stateVersion: t.number }, props);
  if (stateVersion !== undefined && stateVersion > STATE_VERSION) throw new NewerStateError(stateVersion);
  return {
    declared: decodeInputFields(props),
    echoed: Object.fromEntries(
      inputsCodec.keys.filter((k) => props[k] !== undefined).map((k) => [k, props[k]]),
    ),
    computed: { ...decodeFields(computedOutputFields, props), stateVersion },
  };
}

/** Each input that decodes on its own: for inputs that may hold values unknown during preview, or old state. */
export function decodeInputFields(props: Record<string, unknown>): Partial<CodeSigningOrderInputs> {
  return decodeFields({ ...inputsCodec.required, ...inputsCodec.optional }, props);
}

/** Each field of `props` that its codec accepts; the others are left out. */
function decodeFields<P extends t.Props>(fields: P, props: Record<string, unknown>): Partial<FieldsOf<P>> {
  const decoded: Partial<FieldsOf<P>> = {};
  for (const key of Object.keys(fields) as (keyof P & string)[]) {
    if (props[key] === undefined) continue;
    const result = fields[key]!.decode(props[key]);
    if (isRight(result)) decoded[key] = result.right as FieldsOf<P>[typeof key];
  }
  return decoded;
}
