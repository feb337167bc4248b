/**
 * The projects a user runs as they are: the root project (`pulumi preview --stack dev` from the checkout's root,
 * which resolves its own package name through the link `npm ci` makes) and each copyable example of
 * examples/index.json, previewed by the real CLI with its own Pulumi.yaml, stack file, package.json and TypeScript
 * source. Previews only: nothing reaches the emulator. Pending where the CLI is not built. Not part of `npm test`
 * (each preview compiles TypeScript: about a minute in all): `npm run test:projects`, which CI runs.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as t from "io-ts";
import { isLeft } from "fp-ts/Either";
import { DEFAULT_API_KEY, Emulator, startEmulator } from "../../emulator";
import { createProgramDir, REPO_ROOT } from "../../harness/programDir";
import { cliEnvironment, CliStack } from "../../scripts/lib/pulumiCli";
import { cliSuiteTitle, plannedOps, plannedSteps, requirePulumi } from "../cli/cliSupport";
import { spawnSync } from "child_process";

const exampleIndex = t.type({
  examples: t.array(
    t.type({
      name: t.string,
      folder: t.string,
      stacks: t.array(t.type({ stack: t.string, orders: t.number })),
    }),
  ),
});

function readExampleIndex() {
  const decoded = exampleIndex.decode(
    JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "examples", "index.json"), "utf8")),
  );
  if (isLeft(decoded)) throw new Error("examples/index.json: not a list of examples with folders and stacks");
  return decoded.right.examples;
}

/** A program folder holding a copy of an example (its node_modules links to the checkout's, as after npm install). */
function exampleProgram(folder: string): () => string {
  return () => {
    const dir = createProgramDir({ name: path.basename(folder) });
    fs.cpSync(path.join(REPO_ROOT, folder), dir, {
      recursive: true,
      filter: (source) => !source.split(path.sep).includes("node_modules"),
    });
    return dir;
  };
}

const CODE_SIGNING_ORDER = /::pulumi-nodejs:dynamic\/digicert:CodeSigningOrder::/;

describe(cliSuiteTitle("real Pulumi CLI: the root project and the copyable examples preview"), function () {
  this.timeout(180_000);
  let pulumi = "";
  let emulator: Emulator | undefined;

  before(async function () {
    pulumi = requirePulumi(this);
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator?.close();
  });

  it("pulumi preview --stack dev runs from the checkout's root, leaving its files untouched", () => {
    // The stack is made in a copy of the project files (`stack init` writes an encryption salt into the stack file,
    // `config set` the key); the preview then runs in the root with that copy as its config file.
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), "root-preview-"));
    try {
      const env = cliEnvironment(temp);
      const copy = path.join(temp, "project");
      fs.mkdirSync(copy);
      for (const file of ["Pulumi.yaml", "Pulumi.dev.yaml"])
        fs.copyFileSync(path.join(REPO_ROOT, file), path.join(copy, file));
      const before = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8");
      const run = (cwd: string, args: string[]) => {
        const result = spawnSync(pulumi, [...args, "--non-interactive", "--color", "never"], {
          cwd,
          env,
          encoding: "utf8",
          timeout: 120_000,
        });
        if (result.status !== 0)
          throw new Error(`pulumi ${args[0]} failed:\n${result.stdout}\n${result.stderr}`);
        return result.stdout;
      };
      run(copy, ["stack", "init", "dev", "--secrets-provider", "passphrase"]);
      run(copy, ["config", "set", "--secret", "digicert:apiKey", DEFAULT_API_KEY, "--stack", "dev"]);
      run(copy, ["config", "set", "digicert:baseUrl", emulator!.baseUrl, "--stack", "dev"]);
      const stdout = run(REPO_ROOT, [
        "preview",
        "--json",
        "--stack",
        "dev",
        "--config-file",
        path.join(copy, "Pulumi.dev.yaml"),
      ]);
      expect(plannedOps(stdout, "signing-certificate")).to.deep.equal(["create"]);
      expect(emulator!.requests()).to.deep.equal([]);
      expect(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8")).to.equal(before);
    } finally {
      fs.rmSync(temp, { recursive: true, force: true });
    }
  });

  for (const example of readExampleIndex()) {
    for (const { stack: stackName, orders } of example.stacks) {
      it(`${example.folder}: pulumi preview --stack ${stackName} plans ${orders} order(s) and calls no API`, async () => {
        const stack = await CliStack.create(pulumi, {
          baseUrl: emulator!.baseUrl,
          apiKey: DEFAULT_API_KEY,
          stack: stackName,
          programDir: exampleProgram(example.folder),
        });
        try {
          const before = emulator!.requests().length;
          const { stdout } = await stack.run(["preview", "--json"], { quiet: true });
          expect(
            plannedSteps(stdout).filter((s) => s.op === "create" && CODE_SIGNING_ORDER.test(s.urn)),
          ).to.have.length(orders);
          expect(emulator!.requests().length).to.equal(before);
        } finally {
          stack.dispose();
        }
      });
    }
  }
});
