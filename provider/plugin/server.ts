import * as grpc from "@grpc/grpc-js";
import * as pb from "@pulumi/pulumi/proto/provider_pb";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { AsyncLocalStorage } from "async_hooks";
import { isDeepStrictEqual } from "util";
import {
  CancellationSource,
  CodeSigningOrderProvider,
  ConfigurationError,
  createProvider,
  ProviderDeps,
  readSettings,
} from "../index";
import { configSourceOf, SECRET_CONFIG_NAMES } from "./config";
import { detailedDiff } from "./detailedDiff";
import { initFailure, unary } from "./grpcCalls";
import { RESOURCE_TOKEN } from "./schema";
import { decodeProps, encodeProps } from "./wire";

type Props = Record<string, unknown>;

export interface PluginOptions {
  readonly version: string;
  /** schema.json's text, served by GetSchema. */
  readonly schema: string;
  /** The core's dependencies (tests inject clocks and emulator regions); the plugin adds log and cancellation. */
  readonly deps?: ProviderDeps;
  /** A progress line, with the URN of the resource whose call is running ("" when none is). */
  readonly log: (line: string, urn: string) => void;
}

/**
 * The gRPC handlers of `pulumi-resource-digicert`: the engine's calls translated to the core's (the same
 * CodeSigningOrderProvider the dynamic resource runs) and the answers translated back. Every decision is the core's;
 * this only unwraps and wraps secrets, maps the provider config and shapes the detailed diff.
 */
export class DigicertPlugin {
  /** The hook the engine's Cancel pulls: the core's waits end on it (with the partial failure that keeps the order). */
  readonly cancellation = new CancellationSource(true);
  private provider?: CodeSigningOrderProvider;
  /**
   * The resource each call is about, carried through that call's own async work: the engine runs calls for several
   * resources at once, and each core line is shown under the resource whose call wrote it.
   */
  private readonly callUrn = new AsyncLocalStorage<string>();
  /** Resource calls running now, and who waits for there to be none (an orphaned plugin, before it exits). */
  private running = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: PluginOptions) {}

  /** Before Configure (a preview may Check first) the core runs with no config: it needs none to validate. */
  private core(): CodeSigningOrderProvider {
    this.provider ??= this.newCore({});
    return this.provider;
  }

  private newCore(args: Props): CodeSigningOrderProvider {
    return createProvider(configSourceOf(args), {
      log: (line) => this.options.log(line, this.callUrn.getStore() ?? ""),
      ...this.options.deps,
      cancellation: this.cancellation,
    });
  }

  /** A resource call, run with its URN as the resource its core lines are shown under, and counted as running. */
  private aboutResource<Req extends { getUrn(): string }, Res>(
    handle: (req: Req) => Promise<Res>,
  ): (req: Req) => Promise<Res> {
    return async (req) => {
      this.running++;
      try {
        return await this.callUrn.run(req.getUrn(), () => handle(req));
      } finally {
        if (--this.running === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      }
    };
  }

  /**
   * Resolves once no resource call is running: what the core started (a POST in flight, its marker) has finished.
   * The engine's connection can be gone long before (the CLI killed), so this, not the gRPC server, says when.
   */
  whenIdle(): Promise<void> {
    return this.running === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  handlers(): grpc.UntypedServiceImplementation {
    return {
      getPluginInfo: unary(async () => new PluginInfo().setVersion(this.options.version)),
      getSchema: unary(async () => new pb.GetSchemaResponse().setSchema(this.options.schema)),
      checkConfig: unary(async (req: pb.CheckRequest) => {
        const news = decodeProps(req.getNews());
        // The engine stores what CheckConfig returns as the provider's inputs: the key is marked secret here so
        // that a key set without --secret is still encrypted in state, as the schema's `secret: true` promises.
        const resp = new pb.CheckResponse().setInputs(
          encodeProps(news.plain, new Set([...news.secretKeys, ...SECRET_CONFIG_NAMES])),
        );
        try {
          readSettings(configSourceOf(news.plain), process.env);
        } catch (error) {
          if (!(error instanceof ConfigurationError)) throw error;
          resp.addFailures(new pb.CheckFailure().setProperty("").setReason(error.message));
        }
        return resp;
      }),
      diffConfig: unary(async (req: pb.DiffRequest) => {
        const olds = decodeProps(req.getOldInputs() ?? req.getOlds()).plain;
        const news = decodeProps(req.getNews()).plain;
        const changed = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter(
          (k) => !isDeepStrictEqual(olds[k], news[k]),
        );
        return new pb.DiffResponse()
          .setChanges(
            changed.length ? pb.DiffResponse.DiffChanges.DIFF_SOME : pb.DiffResponse.DiffChanges.DIFF_NONE,
          )
          .setDiffsList(changed);
      }),
      configure: unary(async (req: pb.ConfigureRequest) => {
        this.provider = this.newCore(decodeProps(req.getArgs()).plain);
        return new pb.ConfigureResponse()
          .setAcceptsecrets(true)
          .setSupportspreview(false)
          .setAcceptresources(true);
      }),
      check: unary(
        this.aboutResource(async (req: pb.CheckRequest) => {
          expectType(req.getType(), req.getUrn());
          const olds = decodeProps(req.getOlds()).plain;
          const news = decodeProps(req.getNews());
          const declaredKey = news.plain[IDENTITY_KEY];
          const { failures } = await this.core().check(olds, withIdentity(news.plain, req.getUrn()));
          const resp = new pb.CheckResponse().setInputs(
            encodeProps(withoutIdentity(news.plain), news.secretKeys),
          );
          if (declaredKey !== undefined && declaredKey !== req.getUrn())
            resp.addFailures(
              new pb.CheckFailure()
                .setProperty(IDENTITY_KEY)
                .setReason("is the provider's own (the resource's URN), not an input: remove it"),
            );
          for (const f of failures)
            resp.addFailures(new pb.CheckFailure().setProperty(f.property).setReason(f.reason));
          return resp;
        }),
      ),
      diff: unary(
        this.aboutResource(async (req: pb.DiffRequest) => {
          expectType(req.getType(), req.getUrn());
          const olds = decodeProps(req.getOlds()).plain;
          const news = withIdentity(decodeProps(req.getNews()).plain, req.getUrn());
          const decision = await this.core().diff(req.getId(), olds, news);
          const detailed = decision.changes ? detailedDiff(olds, news, decision.replaces) : {};
          const resp = new pb.DiffResponse()
            .setChanges(
              decision.changes
                ? pb.DiffResponse.DiffChanges.DIFF_SOME
                : pb.DiffResponse.DiffChanges.DIFF_NONE,
            )
            .setReplacesList(decision.replaces)
            .setDeletebeforereplace(decision.deleteBeforeReplace)
            .setDiffsList([...new Set(Object.keys(detailed).map((path) => path.split(".")[0]!))])
            .setHasdetaileddiff(true);
          const map = resp.getDetaileddiffMap();
          for (const [path, kind] of Object.entries(detailed))
            map.set(path, new pb.PropertyDiff().setKind(kind).setInputdiff(true));
          return resp;
        }),
      ),
      create: unary(
        this.aboutResource(async (req: pb.CreateRequest) => {
          expectType(req.getType(), req.getUrn());
          const news = decodeProps(req.getProperties());
          const { id, outs } = await this.core()
            .create(withIdentity(news.plain, req.getUrn()))
            .catch(initFailure(news.secretKeys));
          return new pb.CreateResponse().setId(id).setProperties(encodeProps(outs, news.secretKeys));
        }),
      ),
      read: unary(
        this.aboutResource(async (req: pb.ReadRequest) => {
          const state = decodeProps(req.getProperties());
          const inputs = decodeProps(req.getInputs());
          const secret = new Set([...state.secretKeys, ...inputs.secretKeys]);
          const result = await this.core().read(req.getId(), state.plain);
          const resp = new pb.ReadResponse();
          if (result.id === undefined) return resp; // gone at DigiCert: the engine drops it from state
          // An import (ID only) gets the identity every resource of this plugin has: its URN (state, not inputs).
          return resp
            .setId(result.id)
            .setProperties(encodeProps(withIdentity(result.props ?? {}, req.getUrn()), secret))
            .setInputs(encodeProps(withoutIdentity(result.inputs ?? {}), secret));
        }),
      ),
      update: unary(
        this.aboutResource(async (req: pb.UpdateRequest) => {
          expectType(req.getType(), req.getUrn());
          const olds = decodeProps(req.getOlds());
          const news = decodeProps(req.getNews());
          const { outs } = await this.core()
            .update(req.getId(), olds.plain, withIdentity(news.plain, req.getUrn()))
            .catch(initFailure(news.secretKeys));
          return new pb.UpdateResponse().setProperties(encodeProps(outs, news.secretKeys));
        }),
      ),
      delete: unary(
        this.aboutResource(async (req: pb.DeleteRequest) => {
          await this.core().delete(req.getId(), decodeProps(req.getProperties()).plain);
          return new Empty();
        }),
      ),
      cancel: unary(async () => {
        this.cancellation.cancel();
        return new Empty();
      }),
    };
  }
}

/**
 * The resource's identity across its orders (its derived alternative order IDs), as the SDK class gives the dynamic
 * resource: here its URN. The provider's own, never an input: a program that could set it could name another
 * resource's URN and adopt, then cancel, that resource's orders. Added to every call into the core; kept in state.
 */
const IDENTITY_KEY = "resourceKey";

function withIdentity(props: Props, urn: string): Props {
  return { ...props, [IDENTITY_KEY]: urn };
}

function withoutIdentity(props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([key]) => key !== IDENTITY_KEY));
}

/** The one resource this plugin serves; anything else is the engine asking the wrong plugin. */
function expectType(type: string, urn: string): void {
  const actual = type || urn.split("::")[2] || "";
  if (actual !== RESOURCE_TOKEN)
    throw new Error(`unknown resource type "${actual}": this provider serves ${RESOURCE_TOKEN}`);
}
