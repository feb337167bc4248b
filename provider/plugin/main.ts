#!/usr/bin/env node
/**
 * `pulumi-resource-digicert <engine address>`: the provider plugin the Pulumi engine launches. Prints its port as
 * the first stdout line; progress lines follow on stdout (the engine shows them), errors on stderr.
 */
import { readFileSync } from "fs";
import * as path from "path";
import { DigicertPlugin, serve } from "./server";

const packageRoot = path.resolve(__dirname, "..", "..", "..");
const version = (
  JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")) as { version: string }
).version;
const schema = readFileSync(path.join(packageRoot, "schema.json"), "utf8");

async function main(): Promise<void> {
  const plugin = new DigicertPlugin({ version, schema, log: (line) => console.log(`[digicert] ${line}`) });
  const { port } = await serve(plugin);
  process.stdout.write(`${port}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
