import { isLeft } from "fp-ts/Either";
import { CodeSigningOrderInputs, inputsCodec, WaitTarget } from "./codecs/inputs";
import { parseDurationMs } from "./duration";
import { reportErrors } from "./codecs/report";
import { InvalidInputsError } from "./errors";
import { identityOf, OrderIdentity, resourceKeyOf } from "./identity";

export const DEFAULT_WAIT_TIMEOUT = "30m";

/** What `waitFor` and `waitTimeout` ask, decoded once: the timeout as written (for messages) and in milliseconds. */
export interface Wait {
  readonly target: WaitTarget;
  readonly timeoutText: string;
  readonly timeoutMs: number;
}

/** A resource's inputs, decoded once, with who the resource is. What create and update work from. */
export interface Declaration {
  readonly inputs: CodeSigningOrderInputs;
  readonly identity: OrderIdentity;
  /** What ties this resource's calls together within one deployment (see replacementMemory.ts). */
  readonly resourceKey: string;
  readonly wait: Wait;
}

function waitOf(inputs: CodeSigningOrderInputs): Wait {
  const timeoutText = inputs.waitTimeout ?? DEFAULT_WAIT_TIMEOUT;
  const timeoutMs = parseDurationMs(timeoutText);
  // The inputs codec admits only durations parseDurationMs reads: this is a broken codec, not a user's mistake.
  if (timeoutMs === undefined) throw new Error(`waitTimeout ${timeoutText} passed the inputs codec unparsed`);
  return { target: inputs.waitFor ?? "none", timeoutText, timeoutMs };
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
  return { inputs, identity, resourceKey, wait: waitOf(inputs) };
}
