import { isLeft } from "fp-ts/Either";
import * as t from "io-ts";
import { pipe } from "fp-ts/function";
import * as E from "fp-ts/Either";
import { integer, oneOf, stringWhere } from "./codecs/combinators";
import { reportErrors } from "./codecs/report";
import { parseDurationMs } from "./duration";
import { DIGICERT_RATE_WINDOWS, RateWindow } from "../client/rateLimiter";
import { DEFAULT_RETRY_POLICY, RetryPolicy } from "../client/retry";

/** What `configure()` receives: Pulumi's stack config, whole and namespaced (`digicert:apiKey`). */
export interface ConfigSource {
  get(key: string): string | undefined;
}

export const REGION_BASE_URLS = {
  us: "https://www.digicert.com/services/v2",
  eu: "https://certcentral.digicert.eu/services/v2",
} as const;

/** Stack config keys and their environment fallbacks. */
export const CONFIG_KEYS = {
  apiKey: ["digicert:apiKey", "DIGICERT_API_KEY"],
  baseUrl: ["digicert:baseUrl", "DIGICERT_BASE_URL"],
  region: ["digicert:region", "DIGICERT_REGION"],
  requestTimeout: ["digicert:requestTimeout", "DIGICERT_REQUEST_TIMEOUT"],
  rateLimits: ["digicert:rateLimits", "DIGICERT_RATE_LIMITS"],
  maxAttempts: ["digicert:maxAttempts", "DIGICERT_MAX_ATTEMPTS"],
  pollInterval: ["digicert:pollInterval", "DIGICERT_POLL_INTERVAL"],
} as const;

export interface ProviderSettings {
  /** Undefined until set: preview (check, diff) works without a key. */
  readonly apiKey?: string;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly rateWindows: readonly RateWindow[];
  readonly retry: RetryPolicy;
  readonly pollIntervalMs: number;
  /** Where each came from, for messages: `digicert:apiKey` (stack config) or `DIGICERT_API_KEY` (environment). */
  readonly sources: { readonly apiKey?: string; readonly baseUrl: string };
}

export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigurationError";
  }
}

export const MISSING_API_KEY_MESSAGE =
  "No DigiCert API key is set. Set it for this stack with `pulumi config set --secret digicert:apiKey <key>` " +
  "(or export DIGICERT_API_KEY). Preview needs no key; creating, refreshing, updating and deleting orders do.";

/** The key travels in a header: plain http only to this machine (the emulator), https everywhere else. */
const url = stringWhere(
  "an https URL such as https://www.digicert.com/services/v2 (http only for 127.0.0.1, localhost or [::1])",
  (s) => {
    try {
      const parsed = new URL(s);
      if (parsed.protocol === "https:") return true;
      return parsed.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
    } catch {
      return false;
    }
  },
);
/**
 * Every duration setting feeds a timer, and Node's timers take at most 2^31-1 ms (about 24.8 days): a longer delay
 * silently becomes 1 ms (a request timeout of 597 hours failed every request in 5 ms). So each has a sane maximum,
 * far below that.
 */
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_POLL_INTERVAL_MS = 30_000;

export const DURATION_LIMITS = {
  requestTimeout: { maxMs: 10 * 60_000, text: "from 1ms to 10m" },
  pollInterval: { maxMs: 60 * 60_000, text: "from 1ms to 1h" },
  rateWindow: { maxMs: 24 * 3_600_000, text: "from 1ms to 24h" },
} as const;

/** A duration setting decoded to milliseconds once, here: readers never parse its text again. */
function durationUpTo(limit: {
  readonly maxMs: number;
  readonly text: string;
}): t.Type<number, string, unknown> {
  const ms = (u: unknown) => (typeof u === "string" ? parseDurationMs(u) : undefined);
  const within = (n: number | undefined): n is number => n !== undefined && n > 0 && n <= limit.maxMs;
  return new t.Type<number, string, unknown>(
    `a duration ${limit.text}, such as "30s" or "2m"`,
    (u): u is number => typeof u === "number" && within(u),
    (u, c) => {
      const n = ms(u);
      return within(n) ? t.success(n) : t.failure(u, c);
    },
    (n) => `${n}ms`,
  );
}
const rateLimitsJson = new t.Type<RateWindow[], string, unknown>(
  'JSON such as [{"limit":100,"window":"5s"},{"limit":1000,"window":"5m"}] (each window from 1ms to 24h)',
  (u): u is RateWindow[] => Array.isArray(u),
  (u, c) => {
    const windows = typeof u === "string" ? parseRateWindows(u) : undefined;
    return windows === undefined ? t.failure(u, c) : t.success(windows);
  },
  (windows) => JSON.stringify(windows.map((w) => ({ limit: w.limit, window: `${w.windowMs}ms` }))),
);

const rawSettings = t.partial({
  apiKey: stringWhere("a non-empty API key", (s) => s.trim().length > 0),
  baseUrl: url,
  region: oneOf(["us", "eu"] as const),
  requestTimeout: durationUpTo(DURATION_LIMITS.requestTimeout),
  rateLimits: rateLimitsJson,
  maxAttempts: stringWhere(
    "a whole number from 1 to 20",
    (s) => integer(1, 20).is(Number(s)) && /^\d+$/.test(s),
  ),
  pollInterval: durationUpTo(DURATION_LIMITS.pollInterval),
});

/**
 * Reads the settings from stack config, then the environment. Every value is decoded; a bad one fails with the
 * config key and what is allowed (never the value: it may be the key).
 */
export type RegionBaseUrls = Record<keyof typeof REGION_BASE_URLS, string>;

export function readSettings(
  config: ConfigSource | undefined,
  env: NodeJS.ProcessEnv,
  regionBaseUrls: RegionBaseUrls = REGION_BASE_URLS,
): ProviderSettings {
  const raw: Record<string, string> = {};
  const from: Record<string, string> = {};
  for (const [name, [configKey, envKey]] of Object.entries(CONFIG_KEYS)) {
    const configured = config?.get(configKey);
    const value = configured ?? env[envKey];
    if (value !== undefined && value !== "") {
      raw[name] = value;
      from[name] =
        configured !== undefined ? `${configKey} (stack config)` : `${envKey} (environment variable)`;
    }
  }
  return pipe(
    rawSettings.decode(raw),
    E.map((s) => ({
      apiKey: s.apiKey?.trim(),
      baseUrl: s.baseUrl ?? regionBaseUrls[s.region ?? "us"],
      timeoutMs: s.requestTimeout ?? DEFAULT_TIMEOUT_MS,
      rateWindows: s.rateLimits ?? DIGICERT_RATE_WINDOWS,
      retry: s.maxAttempts
        ? { ...DEFAULT_RETRY_POLICY, maxAttempts: Number(s.maxAttempts) }
        : DEFAULT_RETRY_POLICY,
      pollIntervalMs: s.pollInterval ?? DEFAULT_POLL_INTERVAL_MS,
      sources: {
        apiKey: from.apiKey,
        baseUrl:
          from.baseUrl ??
          (from.region
            ? `region ${s.region} from ${from.region}`
            : "region us (the default; set digicert:region or digicert:baseUrl)"),
      },
    })),
    E.getOrElseW((errors) => {
      const problems = reportErrors(errors).map((p) => {
        const keys = CONFIG_KEYS[p.property as keyof typeof CONFIG_KEYS];
        return `${keys ? `${keys[0]} (or ${keys[1]})` : p.property} ${p.reason}`;
      });
      throw new ConfigurationError(`Invalid DigiCert provider configuration: ${problems.join("; ")}`);
    }),
  );
}

const rateWindowsCodec = t.array(
  t.type({ limit: integer(1), window: durationUpTo(DURATION_LIMITS.rateWindow) }),
);

export function parseRateWindows(text: string): RateWindow[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const decoded = rateWindowsCodec.decode(parsed);
  if (isLeft(decoded)) return undefined;
  return decoded.right.map((w) => ({ limit: w.limit, windowMs: w.window }));
}
