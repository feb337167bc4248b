/**
 * The two providers under measurement, each as the engine sees it: the `__provider` text and the inputs a real
 * program registers (captured under Pulumi's mocks), the stack config the engine would send at Configure, and the
 * environment the host inherits.
 */
import * as path from "path";
import { captureRegistrations, Registration } from "../harness/captureProgram";
import { secret } from "../harness/providerHost";
import { PROGRAM_RESOURCE_NAMES } from "./programs/sample";

export const PROJECT = "codesigning";
export const STACK = "bench";
/** The emulator's default API key. */
export const API_KEY = "emulator-api-key";

type Props = Record<string, unknown>;

export type SubjectKey = "ours" | "baseline";

export interface Subject {
  readonly key: SubjectKey;
  readonly label: string;
  /** The serialized provider, byte for byte what state holds. */
  readonly provider: string;
  /** The resource type token, for URNs. */
  readonly type: string;
  /** The inputs the program registers for a resource of this name (`__provider` included). */
  news(name: string): Props;
  /** Configure's args: the namespaced stack config, secrets as wire objects. */
  config(baseUrl: string, rateLimitsJson?: string): Props;
  /** Added to the host's environment. */
  env(baseUrl: string): Record<string, string>;
}

async function capture(program: string): Promise<Registration[]> {
  const registrations = await captureRegistrations({
    programModule: path.join(__dirname, "programs", `${program}.js`),
    project: PROJECT,
    stack: STACK,
  });
  const names = registrations.map((r) => r.name);
  if (names.join(",") !== PROGRAM_RESOURCE_NAMES.join(",")) {
    throw new Error(
      `${program} registered ${names.join(", ")}, expected ${PROGRAM_RESOURCE_NAMES.join(", ")}`,
    );
  }
  return registrations;
}

/** The `__provider` string, which must be the same text for every resource of the program. */
function sharedProvider(program: string, registrations: Registration[]): string {
  const texts = registrations.map((r) => r.inputs.__provider);
  const first = texts[0];
  if (typeof first !== "string")
    throw new Error(`${program}: __provider is not a string (secret or missing)`);
  if (texts.some((t) => t !== first))
    throw new Error(`${program}: resources have different __provider texts`);
  return first;
}

export async function captureSubjects(): Promise<Subject[]> {
  const [ours, baseline] = await Promise.all([capture("orderProgram"), capture("baselineProgram")]);

  const oursProvider = sharedProvider("orderProgram", ours);
  for (const r of ours) {
    // What the bench varies per resource: the name, and the SDK's resourceKey derived from it.
    if (r.inputs.resourceKey !== `${PROJECT}/${STACK}/${r.name}`) {
      throw new Error(`orderProgram: resourceKey of ${r.name} is ${String(r.inputs.resourceKey)}`);
    }
  }
  const oursTemplate = ours[0].inputs;

  const baselineProvider = sharedProvider("baselineProgram", baseline);
  const baselineTemplate = baseline[0].inputs;

  return [
    {
      key: "ours",
      label: "CodeSigningOrder",
      provider: oursProvider,
      type: ours[0].type,
      news: (name) => ({ ...oursTemplate, resourceKey: `${PROJECT}/${STACK}/${name}` }),
      config: (baseUrl, rateLimitsJson) => ({
        "digicert:apiKey": secret(API_KEY),
        "digicert:baseUrl": baseUrl,
        // No limits unless the scenario is about them: the emulator then enforces none either.
        "digicert:rateLimits": rateLimitsJson ?? "[]",
      }),
      env: () => ({}),
    },
    {
      key: "baseline",
      label: "hand-written baseline",
      provider: baselineProvider,
      type: baseline[0].type,
      news: () => ({ ...baselineTemplate }),
      config: () => ({}),
      env: (baseUrl) => ({ DIGICERT_API_KEY: API_KEY, DIGICERT_BASE_URL: baseUrl }),
    },
  ];
}
