import { isLeft } from "fp-ts/Either";
import { CodeSigningOrderInputs, inputsCodec } from "./codecs/inputs";
import { reportErrors } from "./codecs/report";
import { InvalidInputsError } from "./errors";
import { identityOf, OrderIdentity, resourceKeyOf } from "./identity";

/** A resource's inputs, decoded once, with who the resource is. What create and update work from. */
export interface Declaration {
  readonly inputs: CodeSigningOrderInputs;
  readonly identity: OrderIdentity;
  /** What ties this resource's calls together within one deployment (see replacementMemory.ts). */
  readonly resourceKey: string;
}

export function decodeDeclaration(props: Record<string, unknown>): Declaration {
  const decoded = inputsCodec.decode(props);
  if (isLeft(decoded)) throw new InvalidInputsError(reportErrors(decoded.left));
  const inputs = decoded.right;
  const identity = identityOf(inputs);
  const resourceKey = resourceKeyOf(inputs);
  if (identity === undefined || resourceKey === undefined) {
    // The SDK always sets resourceKey; only a provider driven by hand can get here.
    throw new InvalidInputsError([
      { property: "resourceKey", reason: "is required (the SDK sets it); or set alternativeOrderId" },
    ]);
  }
  return { inputs, identity, resourceKey };
}
