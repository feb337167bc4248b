/**
 * The example Pulumi project (root Pulumi.yaml, Pulumi.<stack>.yaml, the compiled examples/stacks program) as the
 * demo, the program tests and the real-CLI suite use it: its stack config read the way the Pulumi CLI hands it to a
 * program, and a program folder holding the project where the package resolves by name.
 */
import * as fs from "fs";
import * as path from "path";
import * as t from "io-ts";
import * as yaml from "js-yaml";
import { createProgramDir, REPO_ROOT } from "../../harness/programDir";

export const PROJECT_NAME = "codesigning";
/** Pulumi.yaml's `main`, relative to the project folder; the same path in the checkout and in a program folder. */
export const PROGRAM_MAIN = "dist/examples/stacks/index.js";
export const PROGRAM_MODULE = path.join(REPO_ROOT, PROGRAM_MAIN);
export const BASIC_PROGRAM_MODULE = path.join(REPO_ROOT, "dist/examples/basic/index.js");
/** Source files the program reads at run time (the dev CSR), relative to the project folder. */
const PROGRAM_DATA = ["examples/stacks/dev-hsm.csr.pem"];
const STACK_FILES = ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"];

const scalar = t.union([t.string, t.number, t.boolean]);
const secure = t.type({ secure: t.string });
const stackFile = t.partial({ config: t.union([t.record(t.string, t.unknown), t.null]) });

const projectFile = t.intersection([
  t.type({ name: t.string }),
  t.partial({
    main: t.string,
    runtime: t.union([
      t.string,
      t.intersection([t.type({ name: t.string }), t.partial({ options: t.record(t.string, t.unknown) })]),
    ]),
  }),
]);
export type ProjectFile = t.TypeOf<typeof projectFile>;

/** Reads Pulumi.yaml from the checkout (or `dir`). */
export function loadProjectFile(dir: string = REPO_ROOT): ProjectFile {
  const file = path.join(dir, "Pulumi.yaml");
  const decoded = projectFile.decode(readYaml(file));
  if (decoded._tag === "Left") throw new Error(`${file}: not a Pulumi project file (name, runtime, main)`);
  return decoded.right;
}

function readYaml(file: string): unknown {
  // CORE_SCHEMA: no YAML timestamps turned into Date objects; everything else is as Pulumi reads it.
  return yaml.load(fs.readFileSync(file, "utf8"), { schema: yaml.CORE_SCHEMA, filename: file });
}

export interface StackConfig {
  /** Namespaced keys, values as the CLI hands them to a program: scalars as text, structured values as JSON text. */
  readonly config: Record<string, string>;
  /** Keys whose value is encrypted (`secure:`), left out: they can only be read by the Pulumi CLI. */
  readonly encryptedKeys: string[];
}

/** Reads Pulumi.<stack>.yaml from the checkout (or `dir`). */
export function loadStackConfig(stack: string, dir: string = REPO_ROOT): StackConfig {
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  const decoded = stackFile.decode(readYaml(file));
  if (decoded._tag === "Left") throw new Error(`${file}: "config" must be a map of keys to values`);
  const config: Record<string, string> = {};
  const encryptedKeys: string[] = [];
  for (const [key, value] of Object.entries(decoded.right.config ?? {})) {
    // Pulumi writes every key with its namespace; a bare key belongs to the project.
    const namespaced = key.includes(":") ? key : `${PROJECT_NAME}:${key}`;
    if (secure.is(value)) encryptedKeys.push(namespaced);
    else if (scalar.is(value)) config[namespaced] = String(value);
    else if (value !== null && typeof value === "object") config[namespaced] = JSON.stringify(value);
    else throw new Error(`${file}: ${key} has no value`);
  }
  return { config, encryptedKeys };
}

/**
 * A program folder (harness/programDir.ts: the package linked into its node_modules, as `npm install` would
 * put it) holding this project: Pulumi.yaml and the stack files, the compiled program at Pulumi.yaml's `main`, and
 * the files the program reads. Remove it with `removeProgramDir`.
 */
export function createStackProject(): string {
  const programDir = path.dirname(PROGRAM_MODULE);
  if (!fs.existsSync(PROGRAM_MODULE)) {
    throw new Error(`${PROGRAM_MAIN} is missing: run \`npm run build\` first`);
  }
  const dir = createProgramDir({ name: PROJECT_NAME });
  // The project's own Pulumi.yaml replaces the folder's minimal one.
  for (const file of STACK_FILES) fs.copyFileSync(path.join(REPO_ROOT, file), path.join(dir, file));
  const target = path.join(dir, path.dirname(PROGRAM_MAIN));
  fs.mkdirSync(target, { recursive: true });
  for (const file of fs.readdirSync(programDir).filter((f) => f.endsWith(".js"))) {
    fs.copyFileSync(path.join(programDir, file), path.join(target, file));
  }
  for (const file of PROGRAM_DATA) {
    fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, file), path.join(dir, file));
  }
  return dir;
}
