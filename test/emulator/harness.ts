/**
 * Shared pieces for the emulator's tests: a manual clock, an HTTP client that never throws on status, and
 * order bodies (DigiCert's own documented example among them).
 */
import axios, { AxiosInstance } from "axios";
import { Emulator, EmulatorOptions, startEmulator } from "../../emulator";
import { seedBody } from "../fixtures/digicertExample";

export const API_KEY = "emulator-api-key";

/** 2026-03-02T16:20:11Z, the date of the reference's examples. */
export const START_MS = Date.UTC(2026, 2, 2, 16, 20, 11);

/** A clock the test moves by hand, so rate-limit windows and dates never depend on real time. */
export class ManualClock {
  constructor(public ms = START_MS) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** Status is asserted by the tests, so no status makes the client throw. `null` sends no key header. */
export function apiClient(emulator: Emulator, apiKey: string | null = API_KEY): AxiosInstance {
  return axios.create({
    baseURL: emulator.baseUrl,
    headers: apiKey === null ? {} : { "X-DC-DEVKEY": apiKey },
    validateStatus: () => true,
  });
}

/** The control plane's base URL (no key needed). */
export function controlClient(emulator: Emulator): AxiosInstance {
  return axios.create({
    baseURL: emulator.baseUrl.replace(/\/services\/v2$/, "/__emulator"),
    validateStatus: () => true,
  });
}

/** Starts an emulator with a manual clock and no rate limits unless the test asks for them. */
export async function startTestEmulator(
  options: EmulatorOptions = {},
): Promise<{ emulator: Emulator; clock: ManualClock }> {
  const clock = new ManualClock();
  const emulator = await startEmulator({ now: clock.now, rateLimits: [], ...options });
  return { emulator, clock };
}

/** DigiCert's documented example body for POST /order/certificate/{code_signing_certificate_id}, verbatim. */
export function digicertExampleBody(): Record<string, unknown> {
  return structuredClone(seedBody);
}

export const TEST_CSR =
  "-----BEGIN CERTIFICATE REQUEST-----\nMIIBIjANBgkq\n-----END CERTIFICATE REQUEST-----";

/** The order the provider places: an HSM ("email") order with a CSR. */
export function csrOrderBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    certificate: { csr: TEST_CSR, signature_hash: "sha256", server_platform: { id: -1 } },
    organization: { id: 112233 },
    order_validity: { days: 459 },
    cs_provisioning_method: "email",
    alternative_order_id: "pulumi-abc123",
    ...overrides,
  };
}

/**
 * One emulator for the enclosing `describe`: started before its tests (manual clock, no rate limits unless
 * given), reset before each, closed after. `onStart` receives it with an API client holding the default key.
 */
export function useTestEmulator(
  onStart: (emulator: Emulator, api: AxiosInstance) => void,
  options: EmulatorOptions = {},
): void {
  let emulator: Emulator | undefined;
  before(async () => {
    ({ emulator } = await startTestEmulator(options));
    onStart(emulator, apiClient(emulator));
  });
  after(() => emulator?.close());
  beforeEach(() => emulator!.reset());
}
