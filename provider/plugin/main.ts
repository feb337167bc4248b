#!/usr/bin/env node
/**
 * `pulumi-resource-digicert <engine address>`: the provider plugin the Pulumi engine launches. Prints its port as
 * the first stdout line; progress lines go to the engine's log service, errors to stderr.
 */
import { readFileSync } from "fs";
import * as path from "path";
import { engineLog } from "./engineLog";
import { DigicertPlugin, serve } from "./server";

const packageRoot = path.resolve(__dirname, "..", "..", "..");
const version = (
  JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")) as { version: string }
).version;
const schema = readFileSync(path.join(packageRoot, "schema.json"), "utf8");

async function main(): Promise<void> {
  const log = engineLog(process.argv[2]);
  const plugin = new DigicertPlugin({ version, schema, log: (line, urn) => log(`[digicert] ${line}`, urn) });
  const { port } = await serve(plugin);
  process.stdout.write(`${port}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
