/**
 * The example project's program (examples/stacks, compiled) under mocks, once per stack: what it registers, with
 * which inputs, and the serialization hygiene the issue asks for (`__provider` small, plain, free of secrets and
 * config, loading the implementation by package name).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Registration } from "../../harness/captureProgram";
import { REPO_ROOT } from "../../harness/programDir";
import { CODE_SIGNING_ORDER_TYPE, isSecret, secret } from "../../harness/providerHost";
import {
  Captured,
  captureStack,
  CONFIG_API_KEY,
  CONFIG_BASE_URL,
  ENV_API_KEY,
  ENV_BASE_URL,
  requireSpecifiers,
} from "./capture";

const PACKAGE_PROVIDER = "pulumi-digicert-code-signing/provider";
const MAX_PROVIDER_BYTES = 8 * 1024;

const devCsrFile = fs.readFileSync(path.join(REPO_ROOT, "examples/stacks/dev-hsm.csr.pem"), "utf8");
const devCsr = /-----BEGIN CERTIFICATE REQUEST-----[\s\S]+?-----END CERTIFICATE REQUEST-----/.exec(
  devCsrFile,
)![0];

const prodShipInfo = {
  name: "Erin Guerra",
  addr1: "360 Taylor Street",
  addr2: "Floor 74",
  city: "Richmond",
  state: "VA",
  zip: "69662",
  country: "US",
  method: "EXPEDITED",
};

function theOrder(captured: Captured): Registration {
  const orders = captured.registrations.filter((r) => r.type === CODE_SIGNING_ORDER_TYPE);
  expect(orders, "CodeSigningOrder registrations").to.have.length(1);
  return orders[0];
}

describe("example project: the stacks' program under mocks", function () {
  this.timeout(30_000);
  const stacks: Record<string, Captured> = {};

  before(async () => {
    const [dev, prod] = await Promise.all([captureStack("dev"), captureStack("prod")]);
    stacks.dev = dev;
    stacks.prod = prod;
  });

  it("dev registers one OV order for an HSM: email provisioning, the CSR from the file, platform -1", () => {
    const captured = stacks.dev;
    expect(captured.registrations.map((r) => r.type)).to.deep.equal([CODE_SIGNING_ORDER_TYPE]);
    const order = theOrder(captured);
    expect(order.name).to.equal("signing-certificate");
    expect(order.options).to.deep.include({ custom: true });
    const { __provider: _provider, ...inputs } = order.inputs;
    expect(inputs).to.deep.equal({
      product: "code_signing",
      certificate: { signatureHash: "sha256", serverPlatform: { id: -1 }, csr: devCsr },
      organization: { id: 123456 },
      orderValidity: { years: 1 },
      csProvisioningMethod: "email",
      skipApproval: false,
      comments: "Dev code signing certificate for CI builds",
      autoRenew: 0,
      onDelete: "revoke",
      resourceKey: "codesigning/dev/signing-certificate",
    });
    // Only the PEM block is sent: the placeholder notes around it stay in the file.
    expect(String((inputs.certificate as { csr: unknown }).csr)).not.to.include("PLACEHOLDER");
  });

  it("prod registers one EV order on a shipped token, with shipInfo, container and custom fields", () => {
    const order = theOrder(stacks.prod);
    expect(order.name).to.equal("signing-certificate");
    const { __provider: _provider, ...inputs } = order.inputs;
    expect(inputs).to.deep.equal({
      product: "code_signing_ev",
      certificate: { signatureHash: "sha256", serverPlatform: { id: 52 } },
      organization: { id: 123456 },
      container: { id: 654321 },
      orderValidity: { years: 1 },
      csProvisioningMethod: "ship_token",
      // A person's name and address, and account data, are secret inputs as well as secret outputs.
      shipInfo: secret(prodShipInfo),
      customFields: secret([{ metadataId: 12, value: "release-engineering" }]),
      additionalEmails: ["release-team@example.com"],
      skipApproval: false,
      comments: "EV release signing certificate",
      autoRenew: 0,
      renewBeforeDays: 30,
      onDelete: "retain",
      resourceKey: "codesigning/prod/signing-certificate",
    });
  });

  it("shipInfo is set on prod only, and the CSR on dev only", () => {
    expect(theOrder(stacks.dev).inputs).not.to.have.property("shipInfo");
    expect(theOrder(stacks.prod).inputs).to.have.property("shipInfo");
    expect(theOrder(stacks.prod).inputs.certificate).not.to.have.property("csr");
  });

  for (const stack of ["dev", "prod"]) {
    describe(`serialization hygiene (${stack})`, () => {
      const provider = () => theOrder(stacks[stack]).inputs.__provider;

      it("__provider is a plain string (not a secret), at most 8 KB", () => {
        const value = provider();
        expect(isSecret(value), "__provider became a secret: something captured a secret Output").to.equal(
          false,
        );
        expect(value).to.be.a("string");
        expect(Buffer.byteLength(value as string)).to.be.at.most(MAX_PROVIDER_BYTES);
      });

      it("no API key anywhere in what was registered, whether it came from config or from the environment", () => {
        const everything =
          JSON.stringify(stacks[stack].registrations) + JSON.stringify(stacks[stack].monitor);
        expect(everything).not.to.include(CONFIG_API_KEY);
        expect(everything).not.to.include(ENV_API_KEY);
      });

      it("__provider holds no config value: neither digicert:* nor the stack's own settings", () => {
        const text = provider() as string;
        const values = [CONFIG_BASE_URL, ENV_BASE_URL, ...Object.values(stacks[stack].config)].filter(
          // Short values ("1", "email") could match the shell's own code by chance.
          (v) => v.length >= 6,
        );
        expect(values.length).to.be.above(3);
        for (const value of values) expect(text, `config value ${value}`).not.to.include(value);
      });

      it("requires the implementation by package name, never by a relative or absolute path", () => {
        const text = provider() as string;
        const specifiers = requireSpecifiers(text);
        expect(specifiers).to.include(PACKAGE_PROVIDER);
        for (const specifier of specifiers) {
          expect(specifier, "a relative require resolves against the user's folder").not.to.match(/^\./);
          expect(specifier, "an absolute require is this machine's path").not.to.match(
            /^(\/|[A-Za-z]:[\\/])/,
          );
          expect(specifier).not.to.include("node_modules");
        }
        expect(text).not.to.include(REPO_ROOT);
      });

      it("asks for shipInfo and customFields to be stored as secret outputs", () => {
        const sent = stacks[stack].monitor.filter((e) => e.type === CODE_SIGNING_ORDER_TYPE);
        expect(sent).to.have.length(1);
        expect(sent[0].additionalSecretOutputs).to.include.members(["shipInfo", "customFields"]);
      });
    });
  }

  describe("config problems are reported before anything is registered, each naming its key", () => {
    it("dev: a bad organizationId, a missing CSR file and a shipInfo without ship_token, all at once", async () => {
      const error = await captureStack("dev", {
        overrides: {
          "codesigning:organizationId": "acme",
          "codesigning:csrFile": "examples/stacks/no-such.csr.pem",
          "codesigning:shipInfo": JSON.stringify(prodShipInfo),
        },
      }).then(
        () => undefined,
        (err: unknown) => String(err),
      );
      expect(error).to.match(
        /codesigning:organizationId must be: a whole number of at least 1 \(got "acme"\)/,
      );
      expect(error).to.match(
        /codesigning:csrFile: cannot read examples\/stacks\/no-such\.csr\.pem \(ENOENT\)/,
      );
      expect(error).to.match(/codesigning:shipInfo is only for provisioning "ship_token"/);
    });

    it("prod: ship_token without shipInfo, and a shipInfo field of the wrong kind", async () => {
      const [missing, wrong] = await Promise.all(
        [
          { "codesigning:shipInfo": undefined },
          { "codesigning:shipInfo": JSON.stringify({ ...prodShipInfo, method: "OVERNIGHT" }) },
        ].map((overrides) =>
          captureStack("prod", { overrides }).then(
            () => undefined,
            (err: unknown) => String(err),
          ),
        ),
      );
      expect(missing).to.match(/provisioning "ship_token" needs codesigning:shipInfo/);
      expect(wrong).to.match(/codesigning:shipInfo\.method must be: "STANDARD" \| "EXPEDITED"/);
    });
  });
});
