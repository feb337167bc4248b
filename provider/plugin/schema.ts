import * as t from "io-ts";
import { computedOutputFields, CONFIG_KEYS, inputsCodec, StrictObjectType } from "../index";
import { SECRET_INPUTS, SECRET_OUTPUTS } from "../../sdk/outputs";
import { SECRET_CONFIG_NAMES } from "./config";

/** The one resource the plugin serves. */
export const RESOURCE_TOKEN = "digicert:index:CodeSigningOrder";

/** A Pulumi package schema type spec (the subset this package uses). */
export interface TypeSpec {
  type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
  items?: TypeSpec;
  $ref?: string;
  additionalProperties?: TypeSpec;
}
export interface PropertySpec extends TypeSpec {
  description?: string;
  secret?: boolean;
  enum?: string[];
}

type Codec = t.Mixed;

/** Descriptions by property path (`certificate.csr`, `orderId`): the SDK's TSDoc (scripts/lib/schemaDocs.ts). */
export type PropertyDocs = Readonly<Record<string, string>>;

/** The TSDoc of a property, then what the codec allows (`an integer from 1 to 3`); the codec's alone without one. */
function describe(docs: PropertyDocs, path: string, allowed: string): string {
  const doc = docs[path];
  return doc === undefined ? allowed : `${doc} Allowed: ${allowed}.`;
}

/**
 * The schema type of a codec, read from the codec itself: the combinators' objects (StrictObjectType), io-ts's
 * own types, and the refined primitives (integer, oneOf, stringWhere), told apart by what they accept. So the
 * schema cannot say what the codecs do not.
 */
function typeOf(codec: Codec, docs: PropertyDocs = {}, path = ""): PropertySpec {
  if (codec instanceof StrictObjectType || codec instanceof t.InterfaceType || codec instanceof t.PartialType)
    return objectOf(codec, docs, path);
  if (codec instanceof t.IntersectionType) return objectOf(codec, docs, path);
  if (codec instanceof t.ArrayType)
    return { type: "array", items: typeOf((codec as t.ArrayType<Codec>).type, docs, path) };
  if (codec instanceof t.BooleanType) return { type: "boolean" };
  if (codec instanceof t.StringType) return { type: "string" };
  if (codec instanceof t.NumberType) return { type: "number" };
  // Refined primitives: oneOf names itself `"a" | "b"`.
  const values = enumValues(codec.name);
  if (values && values.every((v) => codec.is(v))) return { type: "string", enum: values };
  if (/integer|^\d+ or \d+$|one of \d/.test(codec.name) || [1, 0, -1].some((n) => codec.is(n)))
    return { type: "integer" };
  return { type: "string" };
}

function enumValues(name: string): string[] | undefined {
  try {
    const values = name.split(" | ").map((part) => JSON.parse(part) as unknown);
    return values.every((v) => typeof v === "string") ? (values as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Nested objects are inlined as free-form objects with typed properties (`object` + additionalProperties none). */
function objectOf(
  codec: Codec,
  docs: PropertyDocs,
  path: string,
): PropertySpec & { properties?: Record<string, PropertySpec>; required?: string[] } {
  const { properties, required } = propertiesOf(codec, docs, path);
  return { type: "object", properties, ...(required.length ? { required } : {}) } as PropertySpec;
}

function propertiesOf(
  codec: Codec,
  docs: PropertyDocs = {},
  path = "",
): { properties: Record<string, PropertySpec>; required: string[] } {
  if (codec instanceof StrictObjectType) {
    const s = codec as StrictObjectType<t.Props, t.Props>;
    return {
      properties: describeAll({ ...s.required, ...s.optional }, docs, path),
      required: Object.keys(s.required),
    };
  }
  if (codec instanceof t.InterfaceType)
    return {
      properties: describeAll((codec as t.InterfaceType<t.Props>).props, docs, path),
      required: Object.keys((codec as t.InterfaceType<t.Props>).props),
    };
  if (codec instanceof t.PartialType)
    return { properties: describeAll((codec as t.PartialType<t.Props>).props, docs, path), required: [] };
  if (codec instanceof t.IntersectionType) {
    const parts = (codec as t.IntersectionType<Codec[]>).types.map((part) => propertiesOf(part, docs, path));
    return {
      properties: Object.assign({}, ...parts.map((p) => p.properties)) as Record<string, PropertySpec>,
      required: parts.flatMap((p) => p.required),
    };
  }
  return { properties: {}, required: [] };
}

function describeAll(props: t.Props, docs: PropertyDocs, path: string): Record<string, PropertySpec> {
  return Object.fromEntries(
    Object.entries(props).map(([k, c]) => {
      const at = path === "" ? k : `${path}.${k}`;
      return [k, { ...typeOf(c, docs, at), description: describe(docs, at, c.name) }];
    }),
  );
}

/**
 * Pulumi schema objects need named types for nesting; each nested object input becomes `digicert:index:<Name>`.
 * Replacement is left to the plugin's Diff (the core's rules), not `replaceOnChanges`: a `certificate` change is a
 * reissue (an update) for an issued order and a new order otherwise, which a static schema flag cannot say.
 */
function hoist(
  prefix: string,
  spec: PropertySpec & { properties?: Record<string, PropertySpec>; required?: string[] },
  types: Record<string, unknown>,
): PropertySpec {
  if (spec.type === "array" && spec.items) return { ...spec, items: hoist(prefix, spec.items, types) };
  if (spec.type !== "object" || !("properties" in spec)) return spec;
  const name = prefix.charAt(0).toUpperCase() + prefix.slice(1);
  const properties = Object.fromEntries(
    Object.entries(spec.properties ?? {}).map(([k, v]) => [
      k,
      hoist(`${name}${k.charAt(0).toUpperCase()}${k.slice(1)}`, v, types),
    ]),
  );
  types[`digicert:index:${name}`] = {
    type: "object",
    description: spec.description,
    properties,
    ...(spec.required ? { required: spec.required } : {}),
  };
  return {
    $ref: `#/types/digicert:index:${name}`,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.secret ? { secret: true } : {}),
  };
}

/** The input the plugin owns: the resource's identity, its URN. */
const PLUGIN_OWNED_INPUT = "resourceKey";
const IDENTITY_DESCRIPTION =
  "The resource's identity across its orders (its URN), from which its alternative order IDs derive: set by the provider.";

const SECRET: ReadonlySet<string> = new Set<string>([...SECRET_INPUTS, ...SECRET_OUTPUTS]);

/** The package schema, generated from the codecs and the SDK's secret lists. */
export function buildSchema(version: string, docs: PropertyDocs = {}): Record<string, unknown> {
  const types: Record<string, unknown> = {};
  const inputs = propertiesOf(inputsCodec, docs);
  const inputProperties: Record<string, PropertySpec> = {};
  for (const [k, spec] of Object.entries(inputs.properties))
    inputProperties[k] = hoist(k, { ...spec, ...(SECRET.has(k) ? { secret: true } : {}) }, types);
  // The plugin sets the resource's identity from its URN (server.ts): state holds it, a program never sets it.
  const { [PLUGIN_OWNED_INPUT]: identity, ...programInputs } = inputProperties;
  const outputProperties: Record<string, PropertySpec> = {
    ...programInputs,
    ...(identity ? { [PLUGIN_OWNED_INPUT]: { ...identity, description: IDENTITY_DESCRIPTION } } : {}),
  };
  for (const [k, codec] of Object.entries(computedOutputFields as t.Props))
    outputProperties[k] = hoist(
      k,
      {
        ...typeOf(codec),
        description: docs[k] ?? codec.name,
        ...(SECRET.has(k) ? { secret: true } : {}),
      },
      types,
    );
  const configVariables = Object.fromEntries(
    Object.entries(CONFIG_KEYS).map(([name, [configKey, envKey]]) => [
      name,
      {
        type: "string",
        description: `${configKey}; falls back to the ${envKey} environment variable`,
        ...(SECRET_CONFIG_NAMES.includes(name) ? { secret: true } : {}),
      },
    ]),
  );
  return {
    name: "digicert",
    displayName: "DigiCert code signing",
    version,
    description: "Declarative DigiCert code signing certificate orders (CertCentral Services API v2).",
    license: "Apache-2.0",
    config: { variables: configVariables },
    provider: { description: "The DigiCert provider: its settings.", inputProperties: configVariables },
    types: Object.fromEntries(Object.entries(types).sort(([a], [b]) => a.localeCompare(b))),
    resources: {
      [RESOURCE_TOKEN]: {
        description:
          "A DigiCert code signing certificate order. Changing product, organization, orderValidity, container, " +
          "existingOrderId or alternativeOrderId places a new order; a certificate or csProvisioningMethod change " +
          "of an issued order is a reissue (an update); the provider's Diff decides, as the dynamic resource's does.",
        inputProperties: programInputs,
        requiredInputs: inputs.required.filter((k) => k !== PLUGIN_OWNED_INPUT),
        properties: outputProperties,
        required: inputs.required,
      },
    },
    language: { nodejs: { packageName: "pulumi-digicert-code-signing-sdk" } },
  };
}

/** The committed schema.json's text: stable key order and a final newline. */
export function schemaText(version: string, docs: PropertyDocs = {}): string {
  return `${JSON.stringify(buildSchema(version, docs), null, 2)}\n`;
}
