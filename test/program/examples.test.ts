/**
 * The copyable examples (examples/index.json) under mocks: each stack's config as the CLI hands it over, the
 * compiled program run in its own folder, the registrations counted, and their inputs put through the provider's
 * own input rules (what `pulumi preview` checks first).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { validateInputs } from "../../provider";
import { captureRegistrations } from "../../harness/captureProgram";
import { REPO_ROOT } from "../../harness/programDir";
import { CODE_SIGNING_ORDER_TYPE } from "../../harness/providerHost";
import { loadStackConfig } from "../../scripts/lib/stackProject";

interface ExampleEntry {
  name: string;
  folder: string;
  project: string;
  stacks: { stack: string; orders: number }[];
  secretKeys: string[];
}

const index = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "examples", "index.json"), "utf8")) as {
  examples: ExampleEntry[];
};

/** The mock monitor's secret wire objects, unwrapped: the provider's Check sees plain values. */
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if ("4dabf18193072939515e22adb298388d" in record) return unwrapSecrets(record.value);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
}

describe("examples/<name> under mocks", function () {
  this.timeout(60_000);

  for (const example of index.examples) {
    for (const { stack, orders } of example.stacks) {
      it(`${example.name} (${stack}): ${orders} order(s), inputs that pass the provider's rules`, async () => {
        const folder = path.join(REPO_ROOT, example.folder);
        const registrations = await captureRegistrations({
          programModule: path.join(REPO_ROOT, "dist", example.folder, "index.js"),
          project: example.project,
          stack,
          config: loadStackConfig(stack, folder).config,
          configSecretKeys: example.secretKeys,
          cwd: folder,
          preview: true,
        });
        const created = registrations.filter((r) => r.type === CODE_SIGNING_ORDER_TYPE);
        expect(created).to.have.length(orders);
        for (const order of created) {
          // The provider's code is not an input the rules see (the host takes it out before Check).
          // A shipping address is personal data: secret in the registration, whatever its config said.
          if (order.inputs.shipInfo !== undefined) {
            expect(order.inputs.shipInfo).to.have.property("4dabf18193072939515e22adb298388d");
          }
          const { __provider: _provider, ...inputs } = unwrapSecrets(order.inputs) as Record<string, unknown>;
          expect(validateInputs(inputs, Date.now())).to.deep.equal([]);
        }
      });
    }
  }

  // The YAML and Go programs (examples/yaml, examples/go) use the provider plugin, not this package from Node.js.
  it("index.json names every example folder that has a Pulumi.yaml with runtime nodejs", () => {
    const projectFile = (d: string) => path.join(REPO_ROOT, "examples", d, "Pulumi.yaml");
    const folders = fs
      .readdirSync(path.join(REPO_ROOT, "examples"))
      .filter((d) => fs.existsSync(projectFile(d)))
      .filter((d) => /^runtime:\s*nodejs\s*$/m.test(fs.readFileSync(projectFile(d), "utf8")))
      .map((d) => `examples/${d}`);
    expect(index.examples.map((e) => e.folder)).to.have.members(folders);
  });
});
