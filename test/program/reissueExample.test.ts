/** examples/reissue: a three-year order for an HSM key whose CSR comes from a file, under mocks. */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { validateInputs } from "../../provider";
import { captureRegistrations } from "../../harness/captureProgram";
import { REPO_ROOT } from "../../harness/programDir";
import { CODE_SIGNING_ORDER_TYPE } from "../../harness/providerHost";
import { RSA_3072_CSR } from "../fixtures/certificateRequests";

describe("example: reissue (key rotation inside a three-year order) under mocks", function () {
  this.timeout(60_000);

  it("registers one order carrying the CSR from signing-key.csr.pem, renewals inside the order, inputs that pass the rules", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reissue-example-"));
    try {
      fs.writeFileSync(path.join(dir, "signing-key.csr.pem"), RSA_3072_CSR);
      const registrations = await captureRegistrations({
        programModule: path.join(REPO_ROOT, "dist", "examples", "reissue", "index.js"),
        project: "codesigning-reissue",
        stack: "dev",
        cwd: dir,
        preview: true,
      });
      const orders = registrations.filter((r) => r.type === CODE_SIGNING_ORDER_TYPE);
      expect(orders).to.have.length(1);
      const { __provider: _provider, ...inputs } = orders[0]!.inputs;
      expect(inputs).to.deep.include({
        product: "code_signing",
        certificate: { csr: RSA_3072_CSR, serverPlatform: { id: -1 } },
        orderValidity: { years: 3 },
        csProvisioningMethod: "email",
        renewBeforeDays: 30,
      });
      expect(validateInputs(inputs, Date.now())).to.deep.equal([]);
      // A preview writes no certificate file.
      expect(fs.existsSync(path.join(dir, "signing-cert.pem"))).to.equal(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
