/**
 * Child-process side of captureProgram.ts: installs mocks, runs the program, writes the registrations to the result
 * file named in CAPTURE_PROGRAM_REQUEST. The mock never runs a provider (no DigiCert call): it echoes the inputs as
 * state with id = name.
 */
import * as fs from "fs";
import * as path from "path";
import type * as pulumiModule from "@pulumi/pulumi";
import { childRequestCodec, decodeJson } from "./captureProgram";
import type { ChildResult, Registration } from "./captureProgram";

async function main(): Promise<void> {
  const request = decodeJson(
    childRequestCodec,
    process.env.CAPTURE_PROGRAM_REQUEST ?? "",
    "CAPTURE_PROGRAM_REQUEST",
  );
  const write = (result: ChildResult) => fs.writeFileSync(request.resultFile, JSON.stringify(result));
  const failures: unknown[] = [];
  // A failed registration surfaces as an unhandled rejection, not as a throw from the program.
  process.on("unhandledRejection", (err) => failures.push(err));
  process.on("uncaughtException", (err) => failures.push(err));
  try {
    // The program's own copy of the SDK, so the mocks are installed in the runtime the program registers with.
    const pulumi = require(
      require.resolve("@pulumi/pulumi", { paths: [path.dirname(request.programModule)] }),
    ) as typeof pulumiModule;
    const registrations: Registration[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          const { type, name, inputs, custom, provider, id } = args;
          registrations.push({
            type,
            name,
            inputs: sanitize(inputs) as Record<string, unknown>,
            options: { custom, provider, id },
          });
          return { id: name, state: inputs };
        },
        call(args) {
          return args.inputs;
        },
      },
      request.project,
      request.stack,
      request.preview,
    );
    const loaded = require(request.programModule) as unknown;
    const entry =
      typeof loaded === "function"
        ? loaded
        : typeof (loaded as { default?: unknown })?.default === "function"
          ? (loaded as { default: () => unknown }).default
          : undefined;
    if (entry) await entry();
    // Registrations are asynchronous (the provider is serialized first); wait until the runtime's RPC queue drains.
    await pulumi.runtime.disconnect();
    if (failures.length) throw failures[0];
    write({ ok: true, registrations });
  } catch (err) {
    write({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
}

/** JSON-safe copy: live objects (resource references, Outputs) become a marker instead of breaking the file. */
function sanitize(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(sanitize);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    return { $unserializable: (value as { constructor?: { name?: string } }).constructor?.name ?? "object" };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = sanitize(v);
  return out;
}

void main().then(
  () => process.exit(0),
  () => process.exit(1),
);
