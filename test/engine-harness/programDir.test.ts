import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import {
  createProgramDir,
  PACKAGE_NAME,
  PROGRAMS_ROOT,
  removeProgramDir,
  REPO_ROOT,
} from "../../harness/programDir";

describe("engine harness: program folder", () => {
  const made: string[] = [];
  after(() => made.forEach((d) => fs.existsSync(d) && removeProgramDir(d)));

  it("looks like a user's program folder: the package and every dependency resolve by name", () => {
    const dir = createProgramDir({ name: "layout" });
    made.push(dir);
    expect(path.dirname(dir)).to.equal(PROGRAMS_ROOT);
    expect(PACKAGE_NAME).to.equal("pulumi-digicert-code-signing");

    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(pkg.dependencies).to.have.property(PACKAGE_NAME);
    expect(pkg.dependencies).to.have.property("@pulumi/pulumi");

    const link = path.join(dir, "node_modules", PACKAGE_NAME);
    expect(fs.lstatSync(link).isSymbolicLink()).to.equal(true);
    expect(fs.realpathSync(link)).to.equal(fs.realpathSync(REPO_ROOT));
    for (const entry of fs.readdirSync(path.join(REPO_ROOT, "node_modules"))) {
      expect(fs.lstatSync(path.join(dir, "node_modules", entry)).isSymbolicLink(), entry).to.equal(true);
    }
    // The package's own `exports` decide what resolves, as for an installed copy.
    expect(require.resolve(`${PACKAGE_NAME}/package.json`, { paths: [dir] })).to.equal(
      path.join(fs.realpathSync(REPO_ROOT), "package.json"),
    );
    expect(require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [dir] })).to.match(
      /dynamic-provider/,
    );
  });

  it("removes the folder without following its links into the checkout", () => {
    const dir = createProgramDir();
    removeProgramDir(dir);
    expect(fs.existsSync(dir)).to.equal(false);
    expect(fs.existsSync(path.join(REPO_ROOT, "package.json"))).to.equal(true);
    expect(fs.existsSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json"))).to.equal(
      true,
    );
  });

  it("refuses to remove anything that is not a program folder", () => {
    expect(() => removeProgramDir(REPO_ROOT)).to.throw(/refusing/);
    expect(() => removeProgramDir(PROGRAMS_ROOT)).to.throw(/refusing/);
  });
});
