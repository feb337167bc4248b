/**
 * The Pulumi project files as the real CLI will read them (it cannot run here): Pulumi.yaml's `main` is the compiled
 * program, no API key is committed, and the program runs from a program folder, where the package resolves through
 * node_modules exactly as in a user's project.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT, removeProgramDir } from "../../harness/programDir";
import {
  createStackProject,
  loadProjectFile,
  loadStackConfig,
  PROGRAM_MAIN,
  PROJECT_NAME,
} from "../../scripts/lib/stackProject";
import { captureStack } from "./capture";

describe("example project: Pulumi.yaml and the stack files", function () {
  this.timeout(30_000);

  it("Pulumi.yaml names the codesigning project, runs the compiled program as JavaScript", () => {
    const project = loadProjectFile();
    expect(project.name).to.equal(PROJECT_NAME);
    expect(project.runtime).to.deep.equal({ name: "nodejs", options: { typescript: false } });
    expect(project.main).to.equal(PROGRAM_MAIN);
    expect(fs.existsSync(path.join(REPO_ROOT, PROGRAM_MAIN)), `${PROGRAM_MAIN} (npm run build)`).to.equal(
      true,
    );
  });

  for (const stack of ["dev", "prod"]) {
    it(`Pulumi.${stack}.yaml commits no API key, neither plain nor encrypted`, () => {
      const { config, encryptedKeys } = loadStackConfig(stack);
      expect(encryptedKeys).to.deep.equal([]);
      expect(config).not.to.have.property("digicert:apiKey");
      const text = fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8");
      expect(text).to.include("pulumi config set --secret digicert:apiKey");
    });
  }

  it("runs from a program folder: the package by name from node_modules, the CSR relative to the project", async () => {
    const dir = createStackProject();
    try {
      expect(loadProjectFile(dir)).to.deep.equal(loadProjectFile());
      const programModule = path.join(dir, PROGRAM_MAIN);
      const [inFolder, inCheckout] = await Promise.all([
        captureStack("dev", { programModule, cwd: dir, record: false }),
        captureStack("dev", { record: false }),
      ]);
      expect(inFolder.registrations).to.have.length(1);
      // Byte for byte the same registration, `__provider` included, as from the checkout.
      expect(inFolder.registrations).to.deep.equal(inCheckout.registrations);
    } finally {
      removeProgramDir(dir);
    }
  });
});
