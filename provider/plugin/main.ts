#!/usr/bin/env node
/**
 * `pulumi-resource-digicert [flags] <engine address>`: the provider plugin the Pulumi engine launches. Prints its
 * port as the first stdout line; progress lines go to the engine's log service, errors to stderr. The engine puts
 * its own flags (`--logtostderr`, `-v=9`, `--tracing URL`) before the address, so the address is the last argument.
 */
import type { Server } from "@grpc/grpc-js";
import { readFileSync } from "fs";
import * as path from "path";
import { ignoreClosedPipes, whenLauncherGone } from "../index";
import { engineLog } from "./engineLog";
import { serve } from "./grpcCalls";
import { DigicertPlugin } from "./server";

const packageRoot = path.resolve(__dirname, "..", "..", "..");
const version = (
  JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")) as { version: string }
).version;
const schema = readFileSync(path.join(packageRoot, "schema.json"), "utf8");

function engineAddressOf(args: readonly string[]): string | undefined {
  const last = args.at(-1);
  return last !== undefined && !last.startsWith("-") && args.at(-2) !== "--tracing" ? last : undefined;
}

/**
 * The engine gone (the CLI killed with kill -9): nobody calls again and nobody records what a wait finds. Waits end,
 * the server stops taking calls, and the process exits once the resource calls running are done: a POST in flight
 * gets its answer and its marker is cleared, so a re-run meanwhile waits for this process instead of sending again.
 * (The gRPC server's own shutdown ends as soon as the dead engine's connection does: it cannot tell.)
 */
function exitWhenOrphaned(plugin: DigicertPlugin, server: Server): void {
  whenLauncherGone(1, () => {
    plugin.cancellation.cancel();
    server.tryShutdown(() => undefined);
    void plugin.whenIdle().then(() => process.exit(0));
  });
}

async function main(): Promise<void> {
  ignoreClosedPipes();
  const log = engineLog(engineAddressOf(process.argv.slice(2)));
  const plugin = new DigicertPlugin({ version, schema, log: (line, urn) => log(`[digicert] ${line}`, urn) });
  const { server, port } = await serve(plugin.handlers());
  exitWhenOrphaned(plugin, server);
  process.stdout.write(`${port}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
