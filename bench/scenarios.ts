/**
 * One measured run of each scenario, through the SDK's real dynamic-provider host (driven over gRPC as the engine
 * drives it) against the CertCentral emulator. Every run starts a fresh host, so its peak memory and its rate
 * limiter belong to that run alone.
 */
import { isDeepStrictEqual } from "util";
import { Emulator, RecordedRequest } from "../emulator";
import { HostError, ProviderHost, urnFor } from "../harness/providerHost";
import { procStatusBytes } from "./proc";
import { SAMPLE_BODY } from "./programs/sample";
import { EC_P256_CSR, RSA_3072_CSR } from "../test/fixtures/certificateRequests";
import { ovHsmInputs } from "../test/fixtures/digicertExample";
import { median, msSince, percentile } from "./stats";
import { PROJECT, STACK, Subject } from "./subjects";

type Props = Record<string, unknown>;

/** Create, refresh and delete calls in flight at once in the lifecycle scenario (the engine runs steps in parallel). */
export const LIFECYCLE_PARALLELISM = 64;

/** DigiCert's limits (100 per 5 s, 1000 per 5 min) with time shrunk 10x, in the emulator and in the provider. */
export const BURST = { limit: 100, windowMs: 500 };
export const SUSTAINED = { limit: 1000, windowMs: 30_000 };
export const RATE_LIMITS_JSON = JSON.stringify([
  { limit: BURST.limit, window: `${BURST.windowMs}ms` },
  { limit: SUSTAINED.limit, window: `${SUSTAINED.windowMs / 1000}s` },
]);
export const RATE_LIMITED_ORDERS = 300;

export type Operation = "preview" | "create" | "refresh" | "delete";
export const OPERATIONS: readonly Operation[] = ["preview", "create", "refresh", "delete"];

export interface LifecycleSample {
  readonly resources: number;
  /** Emulator requests per resource for each operation. */
  readonly callsPerResource: Record<Operation, number>;
  /** The requests seen per operation, as "METHOD /path/template status" → count. */
  readonly requestMix: Record<Operation, Record<string, number>>;
  readonly providerBytes: number;
  /** Median over the resources of the JSON bytes of {inputs, outputs} after refresh. */
  readonly stateBytes: number;
  readonly checkDiffMs: { readonly median: number; readonly p95: number };
  readonly hostPeakBytes: number;
}

export interface RateLimitedSample {
  readonly resources: number;
  readonly elapsedMs: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly firstFailure?: string;
  /** Requests the emulator admitted (answered other than 429), and those it refused with 429. */
  readonly admitted: number;
  readonly rejected429: number;
  /** (ceil(admitted / burst) - 1) × burst window: the last admitted request cannot start earlier. */
  readonly floorMs: number;
  readonly ordersPlaced: number;
  /** Resources whose state names exactly one order; resources left without any; orders no resource names. */
  readonly resourcesWithOneOrder: number;
  readonly resourcesWithNoOrder: number;
  readonly orphanOrders: number;
  /** The most orders carrying one alternative order ID (ours; 0 when orders carry none). */
  readonly maxOrdersPerAlternativeId: number;
}

function names(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `order-${i}`);
}

/** Runs fn(0..n-1) with at most `width` in flight; results in index order. */
async function pool<T>(n: number, width: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      results[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
  return results;
}

function template(request: RecordedRequest): string {
  const path = request.path
    .replace(/^\/order\/alternate\/[^/]+/, "/order/alternate/{alternative_order_id}")
    .replace(/\/\d+(?=\/|$)/g, "/{id}");
  return `${request.method} ${path} ${request.status}`;
}

function mix(requests: readonly RecordedRequest[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of requests) out[template(r)] = (out[template(r)] ?? 0) + 1;
  return out;
}

async function startHost(subject: Subject, dir: string, baseUrl: string, rateLimitsJson?: string) {
  const host = await ProviderHost.start({ cwd: dir, project: PROJECT, env: subject.env(baseUrl) });
  try {
    // Peak memory comes from Linux's /proc; elsewhere it is reported as n/a.
    const pid = process.platform === "linux" ? host.pid : undefined;
    await host.configure(subject.config(baseUrl, rateLimitsJson));
    return { host, pid };
  } catch (error) {
    await host.close();
    throw error;
  }
}

/** The body as the emulator received it, without the one field only ours sends. */
function sentBody(body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([k]) => k !== "alternative_order_id"));
}

/**
 * N resources through a whole stack's life: preview of the new stack (Check), `up` (Create), preview of the
 * unchanged stack (Check + Diff, timed per resource), `refresh` (Read), `destroy` (Delete).
 */
export async function lifecycleRun(
  subject: Subject,
  n: number,
  emulator: Emulator,
  dir: string,
): Promise<LifecycleSample> {
  emulator.reset();
  const { host, pid } = await startHost(subject, dir, emulator.baseUrl);
  try {
    const resourceNames = names(n);
    const urns = resourceNames.map((name) =>
      urnFor({ stack: STACK, project: PROJECT, name, type: subject.type }),
    );
    const news = resourceNames.map((name) => subject.news(name));
    const requestMix: Record<Operation, Record<string, number>> = {
      preview: {},
      create: {},
      refresh: {},
      delete: {},
    };
    const calls: Record<Operation, number> = { preview: 0, create: 0, refresh: 0, delete: 0 };
    const previewRequests: RecordedRequest[] = [];
    const phase = async <T>(op: Operation, run: () => Promise<T>): Promise<T> => {
      emulator.clearRequests();
      const result = await run();
      const requests = emulator.requests();
      if (op === "preview") {
        // Both previews count: per resource and preview.
        previewRequests.push(...requests);
        requestMix.preview = mix(previewRequests);
        calls.preview = previewRequests.length / n / 2;
      } else {
        requestMix[op] = mix(requests);
        calls[op] = requests.length / n;
      }
      return result;
    };

    // `pulumi preview` of the new stack: Check only (the engine plans creates without calling the provider).
    const checked = await phase("preview", async () => {
      const out: Props[] = [];
      for (let i = 0; i < n; i++) {
        const res = await host.check(urns[i], {}, news[i]);
        if (res.failures.length > 0) throw new Error(`Check failed: ${JSON.stringify(res.failures)}`);
        out.push(res.inputs);
      }
      return out;
    });

    // `pulumi up`: Create.
    const created = await phase("create", () =>
      pool(n, LIFECYCLE_PARALLELISM, (i) => host.create(urns[i], checked[i])),
    );
    const sent = emulator.orders().map((o) => sentBody(o.body));
    if (sent.length !== n || !sent.every((b) => isDeepStrictEqual(b, SAMPLE_BODY))) {
      throw new Error(`${subject.label}: the emulator did not receive ${n} orders with the sample body`);
    }

    // `pulumi preview` of the unchanged stack: Check (old inputs, new inputs) then Diff (old outputs), as the
    // engine's step generator calls them, one resource after the other.
    const checkDiffMs: number[] = [];
    await phase("preview", async () => {
      for (let i = 0; i < n; i++) {
        const start = process.hrtime.bigint();
        const res = await host.check(urns[i], checked[i], news[i]);
        const diff = await host.diff(created[i].id, urns[i], created[i].properties, res.inputs, {
          oldInputs: checked[i],
        });
        checkDiffMs.push(msSince(start));
        if (diff.changes === "DIFF_SOME") throw new Error(`${subject.label}: an unchanged resource diffs`);
      }
    });

    // `pulumi refresh`: Read in refresh form.
    const refreshed = await phase("refresh", () =>
      pool(n, LIFECYCLE_PARALLELISM, (i) =>
        host.read(created[i].id, urns[i], created[i].properties, checked[i]),
      ),
    );
    const stateBytes = refreshed.map((r, i) => {
      if (r.id !== created[i].id) throw new Error(`${subject.label}: refresh lost ${created[i].id}`);
      const inputs = r.inputsReturned ? r.inputs : checked[i];
      return Buffer.byteLength(JSON.stringify({ inputs, outputs: r.properties }), "utf8");
    });

    // `pulumi destroy`: Delete with the refreshed outputs.
    await phase("delete", () =>
      pool(n, LIFECYCLE_PARALLELISM, (i) =>
        host.delete(created[i].id, urns[i], refreshed[i].properties, { oldInputs: checked[i] }),
      ),
    );
    const live = emulator.orders().filter((o) => o.status !== "canceled" && o.status !== "rejected");
    if (live.length > 0) throw new Error(`${subject.label}: ${live.length} orders still live after delete`);

    return {
      resources: n,
      callsPerResource: calls,
      requestMix,
      providerBytes: Buffer.byteLength(subject.provider, "utf8"),
      stateBytes: median(stateBytes),
      checkDiffMs: { median: median(checkDiffMs), p95: percentile(checkDiffMs, 95) },
      hostPeakBytes: pid === undefined ? NaN : procStatusBytes(pid, "VmHWM"),
    };
  } finally {
    await host.close();
  }
}

/** 300 creates sent at once through one host, the emulator enforcing the (scaled) limits. */
export async function rateLimitedRun(
  subject: Subject,
  emulator: Emulator,
  dir: string,
): Promise<RateLimitedSample> {
  emulator.reset();
  const { host } = await startHost(subject, dir, emulator.baseUrl, RATE_LIMITS_JSON);
  try {
    const n = RATE_LIMITED_ORDERS;
    const resourceNames = names(n);
    const urns = resourceNames.map((name) =>
      urnFor({ stack: STACK, project: PROJECT, name, type: subject.type }),
    );
    const checked: Props[] = [];
    // Preview first, as `pulumi up` does; it also loads the provider in the host before the clock starts.
    for (let i = 0; i < n; i++)
      checked.push((await host.check(urns[i], {}, subject.news(resourceNames[i]))).inputs);
    emulator.clearRequests();

    const start = process.hrtime.bigint();
    const results = await Promise.allSettled(urns.map((urn, i) => host.create(urn, checked[i])));
    const elapsedMs = msSince(start);

    const requests = emulator.requests();
    const rejected429 = requests.filter((r) => r.status === 429).length;
    const admitted = requests.length - rejected429;
    const orders = emulator.orders();
    const ids = new Set<string>();
    let failed = 0;
    let firstFailure: string | undefined;
    for (const r of results) {
      if (r.status === "fulfilled") ids.add(r.value.id);
      else {
        failed++;
        if (firstFailure === undefined) {
          firstFailure = r.reason instanceof HostError ? r.reason.details : String(r.reason);
        }
      }
    }
    const orderIds = new Set(orders.map((o) => String(o.id)));
    const byAlternativeId = new Map<string, number>();
    for (const o of orders) {
      if (o.alternativeOrderId !== undefined) {
        byAlternativeId.set(o.alternativeOrderId, (byAlternativeId.get(o.alternativeOrderId) ?? 0) + 1);
      }
    }
    return {
      resources: n,
      elapsedMs,
      succeeded: results.length - failed,
      failed,
      firstFailure,
      admitted,
      rejected429,
      floorMs: (Math.ceil(admitted / BURST.limit) - 1) * BURST.windowMs,
      ordersPlaced: orders.length,
      resourcesWithOneOrder: [...ids].filter((id) => orderIds.has(id)).length,
      resourcesWithNoOrder: failed,
      orphanOrders: orders.filter((o) => !ids.has(String(o.id))).length,
      maxOrdersPerAlternativeId: Math.max(0, ...byAlternativeId.values()),
    };
  } finally {
    await host.close();
  }
}

/** API calls, as the emulator saw them, in each step of a key rotation (a new CSR on an issued order). */
export interface KeyRotationSample {
  /** `pulumi preview`: Check + Diff. */
  readonly preview: readonly string[];
  /** `pulumi up`: Check + Diff + Update. */
  readonly up: readonly string[];
  /** The first `pulumi refresh` after DigiCert issued the reissue. */
  readonly refreshAfterIssuance: readonly string[];
  /** A `pulumi refresh` after that (nothing changed). */
  readonly steadyRefresh: readonly string[];
  readonly reissuePosts: number;
  readonly orderPosts: number;
  /** The certificate in the outputs after the refresh is the reissued one, its PEM what the emulator issued. */
  readonly newCertificateInOutputs: boolean;
}

/**
 * Key rotation through the SDK's host against the emulator: an issued three-year OV order for a key in an HSM gets
 * a new CSR; preview, up, DigiCert issues the reissue, refresh, refresh again. Goal: 1 reissue POST, 0 order POSTs.
 */
export async function keyRotationRun(
  subject: Subject,
  emulator: Emulator,
  dir: string,
  inputs: { before: Props; after: Props },
): Promise<KeyRotationSample> {
  emulator.reset();
  const { host } = await startHost(subject, dir, emulator.baseUrl);
  try {
    const urn = urnFor({ stack: STACK, project: PROJECT, name: "key-rotation", type: subject.type });
    const checked = (await host.check(urn, {}, inputs.before)).inputs;
    const created = await host.create(urn, checked);
    emulator.issue(Number(created.id));
    const issued = await host.read(created.id, urn, created.properties, checked);
    const step = async <T>(run: () => Promise<T>): Promise<{ result: T; calls: string[] }> => {
      emulator.clearRequests();
      const result = await run();
      return { result, calls: emulator.requests().map(template) };
    };
    const checkAndDiff = async () => {
      const news = (await host.check(urn, issued.inputs, inputs.after)).inputs;
      const diff = await host.diff(created.id, urn, issued.properties, news);
      if (diff.changes !== "DIFF_SOME" || diff.replaces.length > 0)
        throw new Error(`a new CSR should plan an update, got ${JSON.stringify(diff)}`);
      return news;
    };
    const preview = await step(checkAndDiff);
    const up = await step(async () => {
      const news = await checkAndDiff();
      return host.update(created.id, urn, issued.properties, news);
    });
    emulator.issueReissue(Number(created.id));
    const first = await step(() => host.read(created.id, urn, up.result.properties, preview.result));
    const steady = await step(() => host.read(created.id, urn, first.result.properties, first.result.inputs));
    const all = [...preview.calls, ...up.calls, ...first.calls, ...steady.calls];
    const certificate = emulator.order(Number(created.id))?.certificate;
    return {
      preview: preview.calls,
      up: up.calls,
      refreshAfterIssuance: first.calls,
      steadyRefresh: steady.calls,
      reissuePosts: all.filter((c) => /^POST \/order\/certificate\/\{id\}\/reissue /.test(c)).length,
      orderPosts: all.filter((c) => /^POST \/order\/certificate\/code_signing/.test(c)).length,
      newCertificateInOutputs:
        certificate !== undefined &&
        certificate.id !== issued.properties.certificateId &&
        steady.result.properties.certificateId === certificate.id &&
        steady.result.properties.certificatePem === emulator.certificatePem(certificate.id),
    };
  } finally {
    await host.close();
  }
}

/** The key rotation's inputs for `subject`: an issued OV order for an HSM key (three years), then a new CSR. */
export function keyRotationInputs(subject: Subject): { before: Props; after: Props } {
  const before = {
    ...ovHsmInputs("codesigning/bench/key-rotation", { years: 3 }),
    certificate: { csr: RSA_3072_CSR, serverPlatform: { id: -1 } },
    skipApproval: true,
    __provider: subject.provider,
  };
  return { before, after: { ...before, certificate: { csr: EC_P256_CSR, serverPlatform: { id: -1 } } } };
}
