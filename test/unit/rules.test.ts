import { expect } from "chai";
import { validateInputs } from "../../provider/core/rules";
import { UNKNOWN } from "../../provider/core/unknowns";
import { SAMPLE_CSR, seedResourceInputs, NEW_ORGANIZATION } from "../fixtures/digicertExample";

const NOW = Date.UTC(2026, 10, 28);

function problems(inputs: Record<string, unknown>) {
  return validateInputs(inputs, NOW);
}
function properties(inputs: Record<string, unknown>) {
  return problems(inputs).map((p) => p.property);
}
function withInputs(changes: Record<string, unknown>): Record<string, unknown> {
  const next: Record<string, unknown> = { ...seedResourceInputs, ...changes };
  for (const [k, v] of Object.entries(changes)) if (v === undefined) delete next[k];
  return next;
}

const ovHsm = {
  product: "code_signing",
  certificate: { csr: SAMPLE_CSR },
  organization: { id: 1 },
  orderValidity: { years: 1 },
  csProvisioningMethod: "email",
  resourceKey: "p/s/n",
};

describe("check rules", () => {
  it("accepts DigiCert's own example and an OV HSM order", () => {
    expect(problems(seedResourceInputs)).to.deep.equal([]);
    expect(problems(ovHsm)).to.deep.equal([]);
  });

  it("requires product, certificate, organization and orderValidity, naming each", () => {
    const found = problems({ resourceKey: "k" });
    expect(found.map((p) => p.property)).to.include.members([
      "product",
      "certificate",
      "organization",
      "orderValidity",
    ]);
    expect(found.find((p) => p.property === "product")!.reason).to.equal(
      'is required; must be "code_signing" | "code_signing_ev"',
    );
  });

  it("names the allowed values of enums", () => {
    const found = problems(withInputs({ product: "code_sign", paymentMethod: "cash", onDelete: "destroy" }));
    expect(found).to.deep.include({
      property: "product",
      reason: 'must be "code_signing" | "code_signing_ev" (got "code_sign")',
    });
    expect(found).to.deep.include({
      property: "paymentMethod",
      reason: 'must be "balance" | "card" | "profile" (got "cash")',
    });
    expect(found).to.deep.include({
      property: "onDelete",
      reason: 'must be "cancel" | "retain" | "revoke" (got "destroy")',
    });
  });

  it("quotes the value given (Pulumi shows none for a nested property), but never a secret input's, nor a whole CSR", () => {
    expect(problems(withInputs({ orderValidity: { years: "three" } }))).to.deep.include({
      property: "orderValidity.years",
      reason: 'must be an integer from 1 to 3 (got "three")',
    });
    const secret = problems(withInputs({ shipInfo: { name: 42 } }));
    expect(secret.map((p) => p.property)).to.include("shipInfo.name");
    expect(JSON.stringify(secret)).to.not.include("42");
    const [long] = problems(withInputs({ orderValidity: { years: "x".repeat(5000) } }));
    expect(long!.reason).to.match(/\(got "x{59}…\)$/);
  });

  it("checks ranges with the path of the property", () => {
    expect(problems(withInputs({ orderValidity: { years: 4 } }))).to.deep.include({
      property: "orderValidity.years",
      reason: "must be an integer from 1 to 3 (got 4)",
    });
    expect(properties(withInputs({ orderValidity: { days: 0 } }))).to.include("orderValidity.days");
    expect(properties(withInputs({ orderValidity: { years: 1.5 } }))).to.include("orderValidity.years");
    expect(properties(withInputs({ enableGuestAccess: 2 }))).to.include("enableGuestAccess");
    expect(properties(withInputs({ autoRenew: -1 }))).to.include("autoRenew");
  });

  it("requires exactly one validity form", () => {
    expect(properties(withInputs({ orderValidity: { years: 1, days: 30 } }))).to.include("orderValidity");
    expect(properties(withInputs({ orderValidity: {} }))).to.include("orderValidity");
  });

  it("accepts both date forms for customExpirationDate and rejects past or malformed dates", () => {
    expect(problems(withInputs({ orderValidity: { customExpirationDate: "2027-06-09" } }))).to.deep.equal([]);
    expect(problems(withInputs({ orderValidity: { customExpirationDate: "09 JUN 2027" } }))).to.deep.equal(
      [],
    );
    expect(problems(withInputs({ orderValidity: { customExpirationDate: "09 JUN 2025" } }))).to.deep.include({
      property: "orderValidity.customExpirationDate",
      reason: "must lie in the future",
    });
    expect(properties(withInputs({ orderValidity: { customExpirationDate: "2027-02-30" } }))).to.include(
      "orderValidity.customExpirationDate",
    );
    expect(properties(withInputs({ orderValidity: { customExpirationDate: "June 9" } }))).to.include(
      "orderValidity.customExpirationDate",
    );
  });

  it("requires csProvisioningMethod for EV", () => {
    expect(properties(withInputs({ csProvisioningMethod: undefined, shipInfo: undefined }))).to.include(
      "csProvisioningMethod",
    );
    expect(
      properties({ ...ovHsm, csProvisioningMethod: undefined, certificate: { serverPlatform: { id: 5 } } }),
    ).to.deep.equal([]);
  });

  it("requires serverPlatform for client_app or when the method is unset", () => {
    expect(
      properties(withInputs({ csProvisioningMethod: "client_app", shipInfo: undefined, certificate: {} })),
    ).to.include("certificate.serverPlatform");
    expect(properties({ ...ovHsm, csProvisioningMethod: undefined })).to.include(
      "certificate.serverPlatform",
    );
    expect(properties(ovHsm)).to.not.include("certificate.serverPlatform");
  });

  it("requires a CSR for email provisioning and for server platform 55", () => {
    expect(properties({ ...ovHsm, certificate: {} })).to.include("certificate.csr");
    expect(
      properties({
        ...ovHsm,
        csProvisioningMethod: "client_app",
        certificate: { serverPlatform: { id: 55 } },
      }),
    ).to.include("certificate.csr");
    expect(properties({ ...ovHsm, certificate: { csr: "not a csr" } })).to.include("certificate.csr");
  });

  it("allows shipInfo only with ship_token and checks its fields", () => {
    expect(properties({ ...ovHsm, shipInfo: seedResourceInputs.shipInfo })).to.include("shipInfo");
    const found = problems(
      withInputs({ shipInfo: { ...seedResourceInputs.shipInfo, method: "OVERNIGHT", zip: undefined } }),
    );
    expect(found).to.deep.include({
      property: "shipInfo.method",
      reason: 'must be "STANDARD" | "EXPEDITED"',
    });
    expect(found.map((p) => p.property)).to.include("shipInfo.zip");
  });

  it("takes an organization by id or by its details, not both", () => {
    expect(properties(withInputs({ organization: { id: 1, name: "x" } }))).to.include("organization");
    expect(properties(withInputs({ organization: {} }))).to.include("organization");
    const partial = properties(withInputs({ organization: { name: "Example", city: "Lehi" } }));
    expect(partial).to.include.members([
      "organization.address",
      "organization.zip",
      "organization.telephone",
    ]);
    expect(
      problems(
        withInputs({
          organization: NEW_ORGANIZATION,
        }),
      ),
    ).to.deep.equal([]);
  });

  it("rejects unknown properties, naming the known ones", () => {
    const found = problems(withInputs({ organisation: { id: 1 } }));
    expect(found[0]!.property).to.equal("organisation");
    expect(found[0]!.reason).to.match(/not a known property .*organization/);
    expect(
      properties(withInputs({ certificate: { signatureHash: "sha256", serverPlatfrom: { id: 1 } } })),
    ).to.include("certificate.serverPlatfrom");
  });

  it("checks list items with their index", () => {
    expect(
      properties(
        withInputs({
          customFields: [
            { metadataId: 1, value: "a" },
            { metadataId: "x", value: "b" },
          ],
        }),
      ),
    ).to.include("customFields[1].metadataId");
    expect(properties(withInputs({ additionalEmails: ["ok@example.com", "nope"] }))).to.include(
      "additionalEmails[1]",
    );
  });

  it("limits alternativeOrderId to 64 characters", () => {
    expect(problems(withInputs({ alternativeOrderId: "a".repeat(64) }))).to.deep.equal([]);
    expect(properties(withInputs({ alternativeOrderId: "a".repeat(65) }))).to.include("alternativeOrderId");
  });

  it("checks waitFor, waitTimeout and renewBeforeDays", () => {
    expect(problems(withInputs({ waitFor: "issued", waitTimeout: "1h30m" }))).to.deep.equal([]);
    expect(properties(withInputs({ waitFor: "done", waitTimeout: "soon" }))).to.include.members([
      "waitFor",
      "waitTimeout",
    ]);
    expect(problems(withInputs({ renewBeforeDays: 30, autoRenew: 0 }))).to.deep.equal([]);
    expect(properties(withInputs({ renewBeforeDays: 365, autoRenew: 0 }))).to.include("renewBeforeDays");
    expect(
      properties(withInputs({ orderValidity: { days: 100 }, renewBeforeDays: 100, autoRenew: 0 })),
    ).to.include("renewBeforeDays");
  });

  it("reports every problem at once, and nothing else", () => {
    const found = problems(
      withInputs({
        product: "x",
        orderValidity: { years: 9 },
        paymentMethod: "cash",
        shipInfo: { ...seedResourceInputs.shipInfo, method: "SLOW" },
        csProvisioningMethod: "email",
      }),
    );
    expect(found.map((p) => p.property).sort()).to.deep.equal([
      "certificate.csr",
      "orderValidity.years",
      "paymentMethod",
      "product",
      "shipInfo",
      "shipInfo.method",
    ]);
  });

  it("judges a custom expiration date in the past only when it is set, not on later updates", () => {
    const past = { customExpirationDate: "2026-01-15" };
    expect(properties(withInputs({ orderValidity: past }))).to.deep.equal([
      "orderValidity.customExpirationDate",
    ]);
    expect(validateInputs(withInputs({ orderValidity: past }), NOW, { orderValidity: past })).to.deep.equal(
      [],
    );
  });

  it("keeps renewal windows short of looping, and off custom expiration dates", () => {
    expect(problems(withInputs({ renewBeforeDays: 182, autoRenew: 0 }))).to.deep.equal([]);
    expect(properties(withInputs({ renewBeforeDays: 30, autoRenew: 1 }))).to.deep.equal(["autoRenew"]);
    expect(problems(withInputs({ renewBeforeDays: 183, autoRenew: 0 }))).to.deep.equal([
      {
        property: "renewBeforeDays",
        reason:
          "must be at most half the certificate's life (182 of 365 days here; code signing certificates live at most 459 days), or renewals would follow each other",
      },
    ]);
    expect(
      properties(withInputs({ orderValidity: { years: 3 }, renewBeforeDays: 230, autoRenew: 0 })),
    ).to.deep.equal(["renewBeforeDays"]);
    expect(
      properties(
        withInputs({
          orderValidity: { customExpirationDate: "2027-06-09" },
          renewBeforeDays: 30,
          autoRenew: 0,
        }),
      ),
    ).to.deep.equal(["renewBeforeDays"]);
  });

  it("takes -1 (OTHER) or a positive server platform ID", () => {
    expect(problems(withInputs({ certificate: { serverPlatform: { id: -1 } } }))).to.deep.equal([]);
    expect(problems(withInputs({ certificate: { serverPlatform: { id: 0 } } }))).to.deep.equal([
      {
        property: "certificate.serverPlatform.id",
        reason: "must be -1 (OTHER) or a positive integer (got 0)",
      },
    ]);
  });

  it("never rejects values unknown during preview", () => {
    expect(problems(withInputs({ organization: { id: UNKNOWN } }))).to.deep.equal([]);
    expect(problems(withInputs({ organization: UNKNOWN }))).to.deep.equal([]);
    expect(problems(withInputs({ orderValidity: { years: UNKNOWN } }))).to.deep.equal([]);
    expect(problems(withInputs({ csProvisioningMethod: UNKNOWN }))).to.deep.equal([]);
    expect(problems(withInputs({ customFields: [{ metadataId: 12, value: UNKNOWN }] }))).to.deep.equal([]);
    expect(problems(withInputs({ product: UNKNOWN }))).to.deep.equal([]);
    // A known mistake next to an unknown value is still reported.
    expect(properties(withInputs({ organization: { id: UNKNOWN }, paymentMethod: "cash" }))).to.deep.equal([
      "paymentMethod",
    ]);
  });
});

describe("input rules found by adversarial review", () => {
  it("refuses an alternativeOrderId of only dots: URL resolution would drop it from the look-up's path", () => {
    for (const id of [".", "..", "..."]) {
      expect(properties(withInputs({ alternativeOrderId: id }))).to.include("alternativeOrderId");
    }
    expect(properties(withInputs({ alternativeOrderId: "release.2026" }))).to.deep.equal([]);
  });

  it("refuses an email address over 254 characters at once, however long", () => {
    const started = Date.now();
    expect(properties(withInputs({ additionalEmails: [`${"a".repeat(60_000)}@example`] }))).to.include(
      "additionalEmails[0]",
    );
    expect(Date.now() - started).to.be.below(500);
  });

  it("caps waitTimeout at a week, naming the limit", () => {
    expect(properties(withInputs({ waitTimeout: "168h" }))).to.deep.equal([]);
    const tooLong = problems(withInputs({ waitTimeout: "169h" }));
    expect(tooLong.map((p) => p.property)).to.deep.equal(["waitTimeout"]);
    expect(tooLong[0].reason).to.include("168h");
    expect(properties(withInputs({ waitTimeout: `${"9".repeat(400)}s` }))).to.include("waitTimeout");
  });
});
