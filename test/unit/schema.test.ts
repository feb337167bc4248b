import type * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { INPUT_KEYS, CodeSigningOrderInputs, SECRET_INPUT_KEYS } from "../../provider/core/codecs/inputs";
import { OUTPUT_KEYS as PROVIDER_OUTPUT_KEYS, OutputKey } from "../../provider/core/codecs/state";
import { REPLACING_INPUTS, IN_PLACE_INPUTS } from "../../provider/core/diff";
import type { CodeSigningOrderArgs } from "../../sdk";
import { OUTPUT_KEYS as SDK_OUTPUT_KEYS, SECRET_INPUTS } from "../../sdk/outputs";

/**
 * One schema: the provider's codecs are the source; the SDK's hand-written types and lists must equal them. The
 * type-level checks fail `tsc` when a field is missing, extra or typed differently (the SDK itself cannot import
 * the codecs: that would load io-ts into every user's program).
 */
type Normalize<T> = T extends readonly (infer U)[]
  ? Normalize<U>[]
  : T extends object
    ? { [K in keyof T]: Normalize<T[K]> }
    : T;
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<_T extends true>(): void {}

/** What a user passes, with every pulumi.Input unwrapped; resourceKey is set by the SDK, not the user. */
type DeclaredBySdk = Normalize<pulumi.Unwrap<CodeSigningOrderArgs>>;
type DecodedByProvider = Normalize<Omit<CodeSigningOrderInputs, "resourceKey">>;
assertType<Equals<DeclaredBySdk, DecodedByProvider>>();
assertType<Equals<(typeof SDK_OUTPUT_KEYS)[number], OutputKey>>();

describe("one schema: the SDK and the provider agree", () => {
  it("declares the provider's outputs, in the same order", () => {
    expect([...SDK_OUTPUT_KEYS]).to.deep.equal(PROVIDER_OUTPUT_KEYS);
  });

  it("marks the same inputs secret", () => {
    expect([...SECRET_INPUTS]).to.deep.equal([...SECRET_INPUT_KEYS]);
  });

  it("classifies every input as replacing or in place, once", () => {
    expect([...REPLACING_INPUTS, ...IN_PLACE_INPUTS].sort()).to.deep.equal([...INPUT_KEYS].sort());
  });
});
