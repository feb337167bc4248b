import { expect } from "chai";
import { decodeInputFields, decodeStoredState } from "../../provider/core/codecs/state";
import { decideDiff as decide, IN_PLACE_INPUTS, REPLACING_INPUTS } from "../../provider/core/diff";
import { STATE_VERSION } from "../../provider/core/codecs/state";
import { UNKNOWN } from "../../provider/core/unknowns";
import { seedResourceInputs } from "../fixtures/digicertExample";

const NOW = Date.UTC(2026, 10, 28);
type Props = Record<string, unknown>;
/** As the provider's Diff calls it: stored state and new inputs, each decoded once. */
const decideDiff = (olds: Props, news: Props, now: number) =>
  decide(
    decodeStoredState(olds),
    { raw: news, decoded: decodeInputFields(news), codeChanged: olds.__provider !== news.__provider },
    now,
  );
const olds = {
  ...seedResourceInputs,
  __provider: "shell",
  stateVersion: STATE_VERSION,
  orderId: 7,
  status: "pending",
};
const news = { ...seedResourceInputs, __provider: "shell" };

describe("diff classification", () => {
  it("finds no change when nothing changed", () => {
    expect(decideDiff(olds, news, NOW)).to.deep.include({ changes: false, replaces: [] });
  });

  it("replaces (a new paid order) when a field that defines the certificate changes", () => {
    const cases: Record<string, unknown> = {
      product: "code_signing",
      organization: { id: 1 },
      certificate: { serverPlatform: { id: 53 } },
      orderValidity: { years: 2 },
      csProvisioningMethod: "client_app",
      container: { id: 1 },
      existingOrderId: 99,
      alternativeOrderId: "release-2027",
    };
    for (const [key, value] of Object.entries(cases)) {
      const decision = decideDiff(olds, { ...news, [key]: value }, NOW);
      expect(decision.replaces, key).to.deep.equal([key]);
      expect(decision.changes, key).to.equal(true);
    }
    expect(Object.keys(cases).sort()).to.deep.equal([...REPLACING_INPUTS].sort());
  });

  it("updates state only for the other inputs", () => {
    for (const key of IN_PLACE_INPUTS) {
      const decision = decideDiff(olds, { ...news, [key]: "changed" }, NOW);
      expect(decision, key).to.deep.include({ changes: true, replaces: [] });
    }
    expect(IN_PLACE_INPUTS).to.include.members([
      "comments",
      "shipInfo",
      "customFields",
      "onDelete",
      "waitFor",
    ]);
  });

  it("sees no change in a default spelled out or a date written another way", () => {
    const a = {
      ...olds,
      certificate: { serverPlatform: { id: 52 } },
      orderValidity: { customExpirationDate: "2027-06-09" },
    };
    const b = {
      ...news,
      certificate: { serverPlatform: { id: 52 }, signatureHash: "sha256" },
      orderValidity: { customExpirationDate: "09 JUN 2027" },
    };
    expect(decideDiff(a, b, NOW).changes).to.equal(false);
  });

  it("treats an unknown value as a possible replacement", () => {
    expect(decideDiff(olds, { ...news, organization: { id: UNKNOWN } }, NOW).replaces).to.deep.equal([
      "organization",
    ]);
    expect(decideDiff(olds, { ...news, comments: UNKNOWN }, NOW)).to.deep.include({
      changes: true,
      replaces: [],
    });
  });

  it("updates when the provider code or the state version changed, so refresh and destroy run new code", () => {
    expect(decideDiff(olds, { ...news, __provider: "shell v2" }, NOW)).to.deep.include({
      changes: true,
      replaces: [],
    });
    expect(decideDiff({ ...olds, stateVersion: 0 }, news, NOW)).to.deep.include({
      changes: true,
      replaces: [],
    });
  });

  it("plans a renewal when the certificate is within renewBeforeDays of expiry", () => {
    const issued = { ...olds, status: "issued", validTill: "2026-12-20", renewBeforeDays: 30 };
    const decision = decideDiff(issued, { ...news, renewBeforeDays: 30 }, NOW);
    expect(decision.replaces).to.deep.equal(["validTill"]);
    expect(decision.reason).to.equal("renewal");
    expect(decision.explanation).to.match(/renewal order \(a new paid order\)/);
    expect(decideDiff(issued, { ...news, renewBeforeDays: 10 }, NOW).replaces).to.deep.equal([]);
    expect(decideDiff({ ...issued, renewBeforeDays: undefined }, news, NOW).replaces).to.deep.equal([]);
  });

  it("treats an issued order whose certificate's validTill has passed as expired", () => {
    const lapsed = { ...olds, status: "issued", validTill: "2026-11-20" };
    const decision = decideDiff(lapsed, news, NOW);
    expect(decision.replaces).to.deep.equal(["status"]);
    expect(decision.explanation).to.match(/is expired \(valid till 2026-11-20\)/);
    expect(decideDiff({ ...lapsed, validTill: "2026-11-28" }, news, NOW).replaces).to.deep.equal([]);
  });

  it("replaces an order canceled, rejected, revoked or expired outside Pulumi unless told not to", () => {
    for (const status of ["canceled", "rejected", "revoked", "expired"]) {
      expect(decideDiff({ ...olds, status }, news, NOW).replaces, status).to.deep.equal(["status"]);
    }
    expect(
      decideDiff({ ...olds, status: "revoked" }, { ...news, replaceWhenTerminal: false }, NOW).replaces,
    ).to.deep.equal([]);
  });
});

describe("diff of what a reissue can carry", () => {
  const issued = { ...olds, status: "issued", validTill: "2027-06-09", certificateId: 900 };
  const withCsr = (csr: unknown, more: Record<string, unknown> = {}) => ({
    ...news,
    certificate: { ...seedResourceInputs.certificate, csr, ...more },
  });
  const CSR = "-----BEGIN CERTIFICATE REQUEST-----\nMIIC\n-----END CERTIFICATE REQUEST-----";

  it("an issued order: a new CSR, platform or provisioning method is a reissue, not a replacement", () => {
    for (const changed of [
      withCsr(CSR),
      { ...news, certificate: { serverPlatform: { id: 53 } } },
      { ...news, csProvisioningMethod: "client_app" },
    ]) {
      expect(decideDiff(issued, changed, NOW)).to.deep.include({
        changes: true,
        replaces: [],
        reissue: "definition",
      });
    }
  });

  it("a CSR not known yet in preview is a reissue too", () => {
    expect(decideDiff(issued, withCsr(UNKNOWN), NOW)).to.deep.include({
      replaces: [],
      reissue: "definition",
    });
  });

  it("organizationUnits cannot be reissued: a replacement", () => {
    expect(
      decideDiff(issued, withCsr(undefined, { organizationUnits: ["Eng"] }), NOW).replaces,
    ).to.deep.equal(["certificate"]);
  });

  it("an order not issued yet: a replacement, and the line says why", () => {
    const decision = decideDiff(olds, withCsr(CSR), NOW);
    expect(decision.replaces).to.deep.equal(["certificate"]);
    expect(decision.explanation).to.match(/new order \(the current one is not issued yet/);
  });
});
