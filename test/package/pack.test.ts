/**
 * The package as users get it: `npm pack` of the built checkout, unpacked into a fresh program folder's
 * node_modules, and a small TypeScript program compiled against it under each module resolution a Pulumi project
 * may use: `node10` (older Pulumi TypeScript templates: subpath types only through `typesVersions`), `node16` and
 * `bundler` (through `exports`). The dependencies are linked from this checkout, so nothing is downloaded.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT, PACKAGE_NAME } from "../../harness/programDir";

const TSC = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");

const PROGRAM = `import { CodeSigningOrder, CodeSigningOrderArgs } from "${PACKAGE_NAME}";
import { createProvider, validateInputs } from "${PACKAGE_NAME}/provider";
import { startEmulator, DEFAULT_API_KEY } from "${PACKAGE_NAME}/emulator";

const args: CodeSigningOrderArgs = {
  product: "code_signing",
  certificate: { csr: "-----BEGIN CERTIFICATE REQUEST-----", serverPlatform: { id: -1 } },
  organization: { id: 123456 },
  orderValidity: { years: 1 },
  csProvisioningMethod: "email",
};
export const order: CodeSigningOrder = new CodeSigningOrder("signing-certificate", args);
export const orderId = order.orderId;
export const provider: object = createProvider(undefined);
export const validate: typeof validateInputs = validateInputs;
export const key: string = DEFAULT_API_KEY;
export const emulator: () => Promise<{ baseUrl: string }> = () => startEmulator({ port: 0 });
`;

const RESOLUTIONS: Record<string, Record<string, string>> = {
  node10: { module: "commonjs", moduleResolution: "node10" },
  node16: { module: "node16", moduleResolution: "node16" },
  bundler: { module: "esnext", moduleResolution: "bundler" },
};

describe("the packed package", function () {
  this.timeout(120_000);
  let tmp: string;
  let files: string[];
  let consumer: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pack-"));
    // --ignore-scripts: dist/ is already built by npm test; prepack would build it again.
    const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
    const [packed] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
    files = packed.files.map((f) => f.path);

    consumer = path.join(tmp, "consumer");
    const installed = path.join(consumer, "node_modules", PACKAGE_NAME);
    fs.mkdirSync(installed, { recursive: true });
    execFileSync("tar", ["-xzf", path.join(tmp, packed.filename), "--strip-components=1", "-C", installed]);
    // The package's dependencies and peer, as npm would install them beside it.
    for (const dep of ["@pulumi", "@grpc", "@types", "axios", "fp-ts", "io-ts"]) {
      fs.symlinkSync(
        path.join(REPO_ROOT, "node_modules", dep),
        path.join(consumer, "node_modules", dep),
        "dir",
      );
    }
    fs.writeFileSync(
      path.join(consumer, "package.json"),
      JSON.stringify({ name: "consumer", private: true }),
    );
    fs.writeFileSync(path.join(consumer, "index.ts"), PROGRAM);
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("ships the build, its types, the plugin and its schema.json, README, LICENSE and CHANGELOG, and no source maps", () => {
    expect(files).to.include.members([
      "package.json",
      "README.md",
      "LICENSE",
      "CHANGELOG.md",
      "dist/sdk/index.js",
      "dist/sdk/index.d.ts",
      "dist/provider/index.d.ts",
      "dist/emulator/index.d.ts",
      "dist/emulator/cli.js",
      "dist/provider/plugin/main.js",
      "schema.json",
    ]);
    expect(files.filter((f) => f.endsWith(".map"))).to.deep.equal([]);
    const outside = files.filter(
      (f) =>
        !/^dist\/(sdk|provider|emulator)\//.test(f) &&
        !/^(package\.json|README\.md|LICENSE|CHANGELOG\.md|schema\.json)$/.test(f),
    );
    expect(outside).to.deep.equal([]);
  });

  it("its manifest runs nothing at install and names no file the tarball lacks", () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(consumer, "node_modules", PACKAGE_NAME, "package.json"), "utf8"),
    ) as { scripts?: Record<string, string>; bin?: Record<string, string> };
    // What npm runs when a user installs the package: none may be there (npm 11 asks the user to approve them).
    const installScripts = ["preinstall", "install", "postinstall", "prepare"];
    expect(Object.keys(manifest.scripts ?? {}).filter((s) => installScripts.includes(s))).to.deep.equal([]);
    for (const target of Object.values(manifest.bin ?? {}))
      expect(files, `bin ${target}`).to.include(target.replace(/^\.\//, ""));
  });

  for (const [name, options] of Object.entries(RESOLUTIONS)) {
    it(`compiles a program against it with moduleResolution ${name}`, () => {
      const tsconfig = path.join(consumer, `tsconfig.${name}.json`);
      fs.writeFileSync(
        tsconfig,
        JSON.stringify({
          // The package's own declarations are checked once (node16); the others only resolve, which is faster.
          compilerOptions: {
            ...options,
            target: "ES2022",
            strict: true,
            noEmit: true,
            types: ["node"],
            skipLibCheck: name !== "node16",
          },
          files: ["index.ts"],
        }),
      );
      try {
        execFileSync(process.execPath, [TSC, "-p", tsconfig], { cwd: consumer, encoding: "utf8" });
      } catch (err) {
        const { stdout, stderr } = err as { stdout?: string; stderr?: string };
        throw new Error(`tsc (moduleResolution ${name}) failed:\n${stdout ?? ""}${stderr ?? ""}`);
      }
    });
  }
});
