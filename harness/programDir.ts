/**
 * A folder that looks like a user's Pulumi program: the dynamic-provider host must run there, never in the checkout.
 * The serialized `__provider` loads the implementation with `require("<package>/provider")`, resolved from the host's
 * working directory; in the checkout that name does not resolve (the host's loader gives the module no filename, so
 * Node's package self-reference does not apply), and a test there could pass with a relative require that breaks
 * every real user (reference §2.5a). Here, as in a user's folder, the package sits in `node_modules/<package>`.
 */
import * as fs from "fs";
import * as path from "path";

/** The checkout root (compiled code lives in dist/harness, sources in harness). */
export const REPO_ROOT = findRepoRoot(__dirname);
export const PACKAGE_NAME: string = readPackageJson(REPO_ROOT).name as string;
export const PROGRAMS_ROOT = path.join(REPO_ROOT, ".tmp", "programs");

export function createProgramDir(opts: { name?: string } = {}): string {
  const name = opts.name ?? "codesigning";
  fs.mkdirSync(PROGRAMS_ROOT, { recursive: true });
  const dir = fs.mkdtempSync(path.join(PROGRAMS_ROOT, `${name}-`));
  const repoPkg = readPackageJson(REPO_ROOT);
  const devDeps = (repoPkg.devDependencies ?? {}) as Record<string, string>;
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify(
      {
        name,
        private: true,
        main: "index.js",
        dependencies: {
          "@pulumi/pulumi": devDeps["@pulumi/pulumi"] ?? "^3.0.0",
          [PACKAGE_NAME]: `file:${REPO_ROOT}`,
        },
      },
      null,
      2,
    ) + "\n",
  );
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\n`);

  const modules = path.join(dir, "node_modules");
  fs.mkdirSync(modules);
  const repoModules = path.join(REPO_ROOT, "node_modules");
  for (const entry of fs.readdirSync(repoModules)) {
    if (entry === PACKAGE_NAME) continue;
    fs.symlinkSync(path.join(repoModules, entry), path.join(modules, entry));
  }
  // The package as npm would install it: under its own name. A link to the checkout, so the built dist/ is used.
  fs.symlinkSync(REPO_ROOT, path.join(modules, PACKAGE_NAME), "dir");
  return dir;
}

/** Removes a folder made by createProgramDir; the links are unlinked, never followed into the checkout. */
export function removeProgramDir(dir: string): void {
  const resolved = path.resolve(dir);
  if (path.dirname(resolved) !== PROGRAMS_ROOT) {
    throw new Error(`refusing to remove ${resolved}: not a program folder under ${PROGRAMS_ROOT}`);
  }
  fs.rmSync(resolved, { recursive: true, force: true });
}

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg) && fs.existsSync(path.join(dir, "node_modules"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json with node_modules above ${from}`);
  }
}

function readPackageJson(dir: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as Record<string, unknown>;
}

/** The file examples/yaml and examples/go read their CSR from (what a user generates with openssl). */
export const EXAMPLE_CSR_FILE = "signing-key.csr.pem";

/**
 * examples/yaml or examples/go copied into a program folder, as a user's project: the CSR file its README has you
 * generate, its `plugins.providers` path pointed at `pluginDir` (a folder holding pulumi-resource-digicert), and
 * (Go) its SDK `replace` made absolute.
 */
export function languageExampleDir(example: "yaml" | "go", pluginDir: string, csr: string): string {
  fs.mkdirSync(PROGRAMS_ROOT, { recursive: true });
  const dir = fs.mkdtempSync(path.join(PROGRAMS_ROOT, `${example}-`));
  fs.cpSync(path.join(REPO_ROOT, "examples", example), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, EXAMPLE_CSR_FILE), csr);
  const project = path.join(dir, "Pulumi.yaml");
  fs.writeFileSync(project, fs.readFileSync(project, "utf8").replace(/path: .*/, `path: ${pluginDir}`));
  const goMod = path.join(dir, "go.mod");
  if (fs.existsSync(goMod)) {
    const sdk = path.join(REPO_ROOT, "sdk", "go");
    fs.writeFileSync(goMod, fs.readFileSync(goMod, "utf8").replace("=> ../../sdk/go", `=> ${sdk}`));
  }
  return dir;
}
