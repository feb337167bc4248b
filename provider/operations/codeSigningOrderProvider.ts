import { Cancellation, CancellationSource } from "../core/cancellation";
import { decodeInputFields, decodeStoredState, encodeState } from "../core/codecs/state";
import { CertCentralClient } from "../client/certcentralClient";
import { limiterFor, RateLimiter } from "../client/rateLimiter";
import { Clock, systemClock } from "../client/clock";
import { createOrder } from "../core/create";
import { decodeDeclaration } from "../core/declaration";
import { deleteOrder } from "../core/delete";
import { readOrder } from "../core/read";
import { updateOrder } from "../core/update";
import { decideDiff, NewInputs, throwIfRefused } from "../core/diff";
import { CodeSigningOrderInputs } from "../core/codecs/inputs";
import { redact } from "../client/errors";
import { resourceKeyOf } from "../core/identity";
import { LifecycleContext, redactedError } from "../core/lifecycleContext";
import { PendingPosts, pendingPostsDir, pendingPostsOn } from "../core/pendingPosts";
import { processMemory, ReplacementMemory } from "../core/replacementMemory";
import { validateInputs } from "../core/rules";
import {
  ConfigSource,
  ConfigurationError,
  MISSING_API_KEY_MESSAGE,
  ProviderSettings,
  readSettings,
  RegionBaseUrls,
} from "../core/settings";
import { explainFailure, Operation } from "../core/failureHints";
import { hostFailure } from "./hostFailure";
import { stdoutLine } from "../core/processLife";

export interface ProviderDeps {
  readonly clock?: Clock;
  readonly env?: NodeJS.ProcessEnv;
  /** Where progress lines go; the host shows the provider's stdout as diagnostics. */
  readonly log?: (line: string) => void;
  /** A limiter of the test's own; by default one per API key is shared across the process. */
  readonly limiter?: RateLimiter;
  /** Where each region's API lives; tests point the regions at emulators. */
  readonly regionBaseUrls?: RegionBaseUrls;
  /** What crosses calls within a deployment; by default the one the whole process shares. */
  readonly memory?: ReplacementMemory;
  /** Where unanswered POSTs (orders, reissues) are remembered; by default files under DIGICERT_PENDING_DIR or the temp folder. */
  readonly pendingPosts?: PendingPosts;
  /** The deployment's cancellation (the plugin's, a test's). */
  readonly cancellation?: Cancellation;
  /** Otherwise, made when first needed: the dynamic entry hears the engine's Cancel inside the SDK's host. */
  readonly hostCancellation?: () => Cancellation;
}

type Props = Record<string, unknown>;

/**
 * The per-operation API both front doors call: check, diff, create, read, update and delete of `CodeSigningOrder`,
 * taking the host's property maps, decoding them once, calling the core and composing outputs. The dynamic resource's
 * serialized shell (sdk/providerShell.ts) reaches it through provider/index.ts; the plugin (provider/plugin/) calls it
 * too, so the two cannot drift. What only the dynamic host adds (`__provider`) is set aside and put back here; the
 * plugin's maps have none.
 *
 * This is also where the key is kept in: every log line and every error leaving a call is redacted here, once,
 * whatever step produced it (the client already never puts the key in what it builds).
 */
export class CodeSigningOrderProvider {
  private readonly clock: Clock;
  private readonly log: (line: string) => void;
  private readonly settingsOrError: ProviderSettings | ConfigurationError;
  private context?: LifecycleContext;
  private readonly memory: ReplacementMemory;

  constructor(
    config: ConfigSource | undefined,
    private readonly deps: ProviderDeps = {},
  ) {
    this.clock = deps.clock ?? systemClock;
    this.memory = deps.memory ?? processMemory;
    const write = deps.log ?? ((line: string) => stdoutLine(`[digicert] ${line}`));
    this.log = (line) => write(redact(line, this.apiKey()));
    try {
      this.settingsOrError = readSettings(config, deps.env ?? process.env, deps.regionBaseUrls);
    } catch (error) {
      // Preview must work with broken settings too; the error surfaces when an API call is needed.
      this.settingsOrError =
        error instanceof ConfigurationError
          ? error
          : new ConfigurationError("Invalid DigiCert configuration");
    }
  }

  async check(
    olds: Props,
    news: Props,
  ): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }> {
    const raw = inputsOf(news);
    return { inputs: news, failures: validateInputs(raw, this.clock.now(), olds) };
  }

  async diff(
    _id: string,
    olds: Props,
    news: Props,
  ): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }> {
    const stored = decodeStoredState(olds);
    const decoded = decodeInputFields(news);
    const decision = decideDiff(stored, newInputs(olds, news, decoded), this.clock.now());
    const resourceKey = resourceKeyOf(decoded);
    if (stored.computed.orderId !== undefined && resourceKey !== undefined) {
      this.memory.rememberDiff(resourceKey, {
        orderId: stored.computed.orderId,
        reason: decision.reason ?? "engine",
      });
    }
    if (decision.explanation) this.log(decision.explanation);
    // A mistake the preview must show, naming the property: a second reissue while one is pending.
    throwIfRefused(decision);
    // Create the successor before the old order is handled: never be left without a certificate.
    return { changes: decision.changes, replaces: decision.replaces, deleteBeforeReplace: false };
  }

  create(raw: Props): Promise<{ id: string; outs: Props }> {
    return this.callAtEdge("create", raw, async () => {
      const created = await createOrder(this.lifecycle(), decodeDeclaration(inputsOf(raw)));
      return { id: String(created.orderId), outs: encodeState(created.state) };
    });
  }

  read(id: string, props: Props = {}): Promise<{ id?: string; props?: Props; inputs?: Props }> {
    return this.callAtEdge("read", props, async () => {
      const read = await readOrder(this.lifecycle(), parseOrderId(id), decodeStoredState(props));
      return read === undefined ? {} : { id, props: encodeState(read), inputs: { ...read.echoed } };
    });
  }

  update(_id: string, olds: Props, news: Props): Promise<{ outs: Props }> {
    return this.callAtEdge("update", news, async () => {
      const stored = decodeStoredState(olds);
      const declaration = decodeDeclaration(inputsOf(news));
      const next = newInputs(olds, news, declaration.inputs);
      return { outs: encodeState(await updateOrder(this.lifecycle(), declaration, stored, next)) };
    });
  }

  delete(id: string, props: Props): Promise<void> {
    return this.callAtEdge("delete", props, () =>
      deleteOrder(this.lifecycle(), parseOrderId(id), decodeStoredState(props)),
    );
  }

  /**
   * Runs a call and shapes what it throws for the host, once: the hints a failure needs, a partial failure in the
   * host's terms (with the `__provider` of `props`, see hostFailure), the key redacted.
   */
  private async callAtEdge<T>(operation: Operation, props: Props, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!(this.settingsOrError instanceof ConfigurationError))
        explainFailure(error, this.settingsOrError, operation);
      const serialized = props.__provider === undefined ? {} : { __provider: props.__provider };
      // Redacted first: a partial failure's message is copied into the host's `reasons` too.
      throw hostFailure(redactedError(error, this.apiKey()), serialized);
    }
  }

  private apiKey(): string | undefined {
    return this.settingsOrError instanceof ConfigurationError ? undefined : this.settingsOrError.apiKey;
  }

  /** The client and settings every operation past preview needs; fails with how to set the key. */
  private lifecycle(): LifecycleContext {
    if (this.context) return this.context;
    if (this.settingsOrError instanceof ConfigurationError) throw this.settingsOrError;
    const settings = this.settingsOrError;
    if (!settings.apiKey) throw new ConfigurationError(MISSING_API_KEY_MESSAGE);
    const limiter = this.deps.limiter ?? limiterFor(settings.apiKey, settings.rateWindows, this.clock);
    // Progress as it happens (Pulumi shows provider log lines live): no step of `pulumi up` may look hung.
    limiter.onWait ??= (waitMs, queued) =>
      this.log(
        `waiting ${(waitMs / 1000).toFixed(1)} s for DigiCert's rate limit (${queued} request${queued === 1 ? "" : "s"} queued)`,
      );
    const client = new CertCentralClient({
      baseUrl: settings.baseUrl,
      apiKey: settings.apiKey,
      timeoutMs: settings.timeoutMs,
      retry: settings.retry,
      limiter,
      clock: this.clock,
      env: this.deps.env,
      onProgress: this.log,
    });
    const pending =
      this.deps.pendingPosts ??
      pendingPostsOn(pendingPostsDir(this.deps.env ?? process.env), settings.baseUrl, this.clock.now);
    const cancellation = this.deps.cancellation ?? this.deps.hostCancellation?.() ?? new CancellationSource();
    this.context = {
      client,
      clock: this.clock,
      settings,
      log: this.log,
      memory: this.memory,
      pending,
      cancellation,
    };
    return this.context;
  }
}

/** The resource's inputs without the host's own `__provider`, which is not an input of the core. */
function inputsOf(props: Props): Props {
  const { __provider: _serialized, ...inputs } = props;
  return inputs;
}

/** What Diff compares, with whether the serialized provider in state is an older one than the inputs carry. */
function newInputs(olds: Props, news: Props, decoded: Partial<CodeSigningOrderInputs>): NewInputs {
  return { raw: news, decoded, codeChanged: olds.__provider !== news.__provider };
}

function parseOrderId(id: string): number {
  if (!/^\d+$/.test(id)) throw new Error(`The resource ID "${id}" is not a DigiCert order ID`);
  return Number(id);
}
