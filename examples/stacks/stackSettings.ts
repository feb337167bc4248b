/**
 * Turns the `codesigning:*` stack config into `CodeSigningOrder` arguments. Everything that differs between stacks
 * lives in Pulumi.<stack>.yaml; every value is decoded here (Pulumi hands the program plain strings, and structured
 * values as JSON text), and all problems are reported at once, each naming its config key.
 */
import * as fs from "fs";
import * as path from "path";
import * as t from "io-ts";
import type { CodeSigningOrderArgs } from "pulumi-digicert-code-signing";

/** The config namespace: the project's own name, so `pulumi config set product …` lands here. */
export const NAMESPACE = "codesigning";

/** What the program needs from `pulumi.Config`: the raw text of a key of this namespace, if set. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

export interface StackSettings {
  /** The resource's name (part of its URN): the same in every stack, unless a stack sets another. */
  readonly resourceName: string;
  readonly args: CodeSigningOrderArgs;
}

// ---- codecs over config text ----

function fromText<A>(name: string, parse: (s: string) => A | undefined): t.Type<A, string, unknown> {
  return new t.Type<A, string, unknown>(
    name,
    (u): u is A => parse(String(u)) !== undefined,
    (u, c) => {
      const parsed = typeof u === "string" ? parse(u.trim()) : undefined;
      return parsed === undefined ? t.failure(u, c) : t.success(parsed);
    },
    String,
  );
}

const wholeNumber = (min: number, max?: number) =>
  fromText(
    max === undefined ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`,
    (s) => {
      const n = /^-?\d+$/.test(s) ? Number(s) : NaN;
      return Number.isSafeInteger(n) && n >= min && (max === undefined || n <= max) ? n : undefined;
    },
  );

const flag = fromText("true or false", (s) => (s === "true" ? true : s === "false" ? false : undefined));

const text = fromText("a non-empty text", (s) => (s.length > 0 ? s : undefined));

/** JSON text (how Pulumi passes a structured config value) holding a value of `codec`. */
function json<A>(codec: t.Type<A, unknown, unknown>): t.Type<A, string, unknown> {
  return new t.Type<A, string, unknown>(
    codec.name,
    codec.is,
    (u, c) => {
      if (typeof u !== "string") return t.failure(u, c);
      let parsed: unknown;
      try {
        parsed = JSON.parse(u);
      } catch {
        return t.failure(u, c, "is not JSON: write it as a YAML object or list in Pulumi.<stack>.yaml");
      }
      // An entry for the inner codec, so `explain` sees which levels are intersections.
      return codec.validate(parsed, t.appendContext(c, "", codec, parsed));
    },
    (a) => JSON.stringify(a),
  );
}

const product = t.keyof({ code_signing: null, code_signing_ev: null }, '"code_signing" | "code_signing_ev"');
const provisioning = t.keyof(
  { email: null, ship_token: null, client_app: null, key_locker: null },
  '"email" | "ship_token" | "client_app" | "key_locker"',
);
const onDelete = t.keyof({ cancel: null, retain: null, revoke: null }, '"cancel" | "retain" | "revoke"');
const waitFor = t.keyof({ none: null, approved: null, issued: null }, '"none" | "approved" | "issued"');

// Not exact: a misspelt key is passed on, and the provider's check names it as an unknown property.
const shipInfo = t.intersection(
  [
    t.type({
      name: t.string,
      addr1: t.string,
      city: t.string,
      state: t.string,
      zip: t.string,
      country: t.string,
      method: t.keyof({ STANDARD: null, EXPEDITED: null }, '"STANDARD" | "EXPEDITED"'),
    }),
    t.partial({ addr2: t.string }),
  ],
  'an object { name, addr1, addr2?, city, state, zip, country, method: "STANDARD" | "EXPEDITED" }',
);
const customFields = t.array(
  t.type({ metadataId: t.number, value: t.string }),
  "a list of { metadataId, value }",
);
const emails = t.array(t.string, "a list of email addresses");

const CSR_BLOCK =
  /-----BEGIN (NEW )?CERTIFICATE REQUEST-----[\s\S]+?-----END (NEW )?CERTIFICATE REQUEST-----/;

// ---- reading ----

/**
 * Reads and checks the stack's settings. `stack` only labels the error. Relative file paths (csrFile) are taken
 * from the project folder (the one holding Pulumi.yaml), see `projectFolder`.
 */
export function readStackSettings(config: ConfigSource, stack: string): StackSettings {
  const problems: string[] = [];
  const isSet = (key: string) => (config.get(key) ?? "") !== "";
  const read = <A>(key: string, codec: t.Type<A, string, unknown>, required = false): A | undefined => {
    const raw = config.get(key);
    if (raw === undefined || raw === "") {
      if (required) problems.push(`${NAMESPACE}:${key} is required: ${describe(codec.name)}`);
      return undefined;
    }
    const decoded = codec.decode(raw);
    if (decoded._tag === "Right") return decoded.right;
    problems.push(explain(key, decoded.left[0], raw));
    return undefined;
  };

  const resourceName = read("resourceName", text) ?? "signing-certificate";
  const args = {
    product: read("product", product, true),
    organizationId: read("organizationId", wholeNumber(1), true),
    containerId: read("containerId", wholeNumber(1)),
    validityYears: read("validityYears", wholeNumber(1, 3), true),
    provisioning: read("provisioning", provisioning, true),
    serverPlatformId: read("serverPlatformId", wholeNumber(-1)),
    csr: read("csr", text),
    csrFile: read("csrFile", text),
    shipInfo: read("shipInfo", json(shipInfo)),
    customFields: read("customFields", json(customFields)),
    additionalEmails: read("additionalEmails", json(emails)),
    skipApproval: read("skipApproval", flag),
    comments: read("comments", text),
    autoRenew: read("autoRenew", wholeNumber(0)),
    onDelete: read("onDelete", onDelete),
    waitFor: read("waitFor", waitFor),
    waitTimeout: read("waitTimeout", text),
    renewBeforeDays: read("renewBeforeDays", wholeNumber(1)),
  };

  // Rules about how keys go together; the provider's check validates the order itself during preview.
  if (args.csr !== undefined && args.csrFile !== undefined) {
    problems.push(`set ${NAMESPACE}:csr or ${NAMESPACE}:csrFile, not both`);
  }
  const csr = args.csrFile !== undefined ? readCsrFile(args.csrFile, problems) : args.csr;
  if (csr !== undefined && !CSR_BLOCK.test(csr)) {
    const source = args.csrFile !== undefined ? `${NAMESPACE}:csrFile (${args.csrFile})` : `${NAMESPACE}:csr`;
    problems.push(`${source} must hold a PEM block -----BEGIN CERTIFICATE REQUEST-----`);
  }
  if (args.provisioning === "email" && !isSet("csr") && !isSet("csrFile")) {
    problems.push(
      `provisioning "email" (your HSM) needs a CSR: set ${NAMESPACE}:csrFile to a PEM file, or ${NAMESPACE}:csr`,
    );
  }
  if (args.provisioning === "ship_token" && !isSet("shipInfo")) {
    problems.push(
      `provisioning "ship_token" needs ${NAMESPACE}:shipInfo, the address DigiCert ships the token to`,
    );
  }
  if (args.provisioning !== undefined && args.provisioning !== "ship_token" && isSet("shipInfo")) {
    problems.push(
      `${NAMESPACE}:shipInfo is only for provisioning "ship_token" (this stack uses "${args.provisioning}")`,
    );
  }

  if (
    problems.length > 0 ||
    args.product === undefined ||
    args.organizationId === undefined ||
    args.validityYears === undefined
  ) {
    throw new Error(
      `The config of stack "${stack}" is not usable (see Pulumi.${stack}.yaml):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
  }

  const certificate: CodeSigningOrderArgs["certificate"] = { signatureHash: "sha256" };
  if (args.serverPlatformId !== undefined) certificate.serverPlatform = { id: args.serverPlatformId };
  // Only the PEM block: a CSR file may carry notes around it, which DigiCert should not receive.
  if (csr !== undefined) certificate.csr = CSR_BLOCK.exec(csr)![0];

  return {
    resourceName,
    args: withoutUndefined<CodeSigningOrderArgs>({
      product: args.product,
      certificate,
      organization: { id: args.organizationId },
      container: args.containerId === undefined ? undefined : { id: args.containerId },
      orderValidity: { years: args.validityYears },
      csProvisioningMethod: args.provisioning,
      shipInfo: args.shipInfo,
      customFields: args.customFields,
      additionalEmails: args.additionalEmails,
      skipApproval: args.skipApproval,
      comments: args.comments,
      autoRenew: args.autoRenew,
      onDelete: args.onDelete,
      waitFor: args.waitFor,
      waitTimeout: args.waitTimeout,
      renewBeforeDays: args.renewBeforeDays,
    }),
  };
}

/**
 * The project folder: the nearest one holding Pulumi.yaml, upwards from the working directory. Not the working
 * directory itself: when Pulumi.yaml's `main` names a file, the CLI runs the program in that file's folder (here
 * dist/examples/stacks). `pulumi.runtime.getRootDirectory()` is no help: older language hosts leave it empty, and
 * under mocks it is a placeholder.
 */
export function projectFolder(from: string = process.cwd()): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from);
  }
}

function readCsrFile(file: string, problems: string[]): string | undefined {
  try {
    return fs.readFileSync(path.resolve(projectFolder(), file), "utf8");
  } catch (error) {
    const why = error instanceof Error && "code" in error ? String(error.code) : String(error);
    problems.push(
      `${NAMESPACE}:csrFile: cannot read ${file} (${why}); paths are relative to the project folder`,
    );
    return undefined;
  }
}

/** "codesigning:shipInfo.method must be …", naming the innermost failing value; a scalar's text is echoed. */
function explain(key: string, error: t.ValidationError, raw: string): string {
  const names: string[] = [];
  error.context.forEach((entry, i) => {
    const parent = error.context[i - 1]?.type;
    // Members of an intersection or union are not part of the value's path.
    const skip =
      i === 0 || entry.key === "" || parent instanceof t.IntersectionType || parent instanceof t.UnionType;
    if (!skip) names.push(entry.key);
  });
  const where = `${NAMESPACE}:${key}${names.map((n) => (/^\d+$/.test(n) ? `[${n}]` : `.${n}`)).join("")}`;
  const leaf = error.context[error.context.length - 1].type;
  if (error.message) return `${where} ${error.message}`;
  const verb = error.value === undefined ? "is required" : "must be";
  const got =
    names.length === 0 ? ` (got ${JSON.stringify(raw.length > 60 ? `${raw.slice(0, 57)}...` : raw)})` : "";
  return `${where} ${verb}: ${describe(leaf.name)}${got}`;
}

function describe(name: string): string {
  return name === "string" ? "a text" : name === "number" ? "a number" : name;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
