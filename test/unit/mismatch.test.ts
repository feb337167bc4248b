import { expect } from "chai";
import { isLeft } from "fp-ts/Either";
import { orderInfoResponse } from "../../provider/client/answers";
import { inputsCodec } from "../../provider/core/codecs/inputs";
import { declarationMismatch } from "../../provider/core/plans/mismatch";
import { seedResourceInputs } from "../fixtures/digicertExample";

describe("declarationMismatch", () => {
  const decodedInputs = inputsCodec.decode(seedResourceInputs);
  if (isLeft(decodedInputs)) throw new Error("the seed inputs do not decode");
  const inputs = decodedInputs.right;
  const infoWith = (orderValidity: Record<string, unknown>) => {
    const decoded = orderInfoResponse.decode({
      id: 7000001,
      product: { name_id: "code_signing_ev" },
      order_validity: orderValidity,
    });
    if (isLeft(decoded)) throw new Error("not order info");
    return decoded.right;
  };

  it("judges the validity by the terms declared, not by fields DigiCert adds to order_validity", () => {
    expect(
      declarationMismatch(inputs, infoWith({ years: 1, emulator_unknown_field_1: "x" }), "found"),
    ).to.equal(undefined);
    expect(declarationMismatch(inputs, infoWith({ years: 1, days: null }), "found")).to.equal(undefined);
    expect(declarationMismatch(inputs, infoWith({ years: 2 }), "found")).to.include("orderValidity");
  });
});
