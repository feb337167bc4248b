/**
 * The checkout resolves its own package name after `npm ci` (a `file:.` development dependency on itself), as the
 * root Pulumi.yaml needs: the provider host runs in the project folder and loads `<package>/provider` by name.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PACKAGE_NAME, REPO_ROOT } from "../../harness/programDir";

describe("the checkout resolves its own package name", () => {
  it("node_modules/<package> is a link to the checkout", () => {
    const link = path.join(REPO_ROOT, "node_modules", PACKAGE_NAME);
    expect(fs.lstatSync(link).isSymbolicLink(), `${link} should be a link; run npm ci`).to.equal(true);
    expect(fs.realpathSync(link)).to.equal(fs.realpathSync(REPO_ROOT));
  });

  for (const subpath of ["", "/provider", "/emulator"]) {
    it(`require.resolve("${PACKAGE_NAME}${subpath}") from the repository root finds the build`, () => {
      // A fresh process started in the root, as the provider host is; the specifier is resolved from there.
      const resolved = execFileSync(
        process.execPath,
        ["-p", `require.resolve(${JSON.stringify(PACKAGE_NAME + subpath)}, { paths: [process.cwd()] })`],
        { cwd: REPO_ROOT, encoding: "utf8" },
      ).trim();
      const file = subpath === "" ? "dist/sdk/index.js" : `dist${subpath}/index.js`;
      expect(fs.realpathSync(resolved)).to.equal(fs.realpathSync(path.join(REPO_ROOT, file)));
    });
  }
});
