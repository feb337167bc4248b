/**
 * A stand-in for the Pulumi CLI, run as its own process by pluginOrphanInFlight.test.ts: it launches the plugin with
 * its stdout and stderr piped to itself (as the engine does), configures it, sends one Create and prints
 * "plugin <pid> created-sent", then idles until killed. Killing it with kill -9 takes its gRPC connection and its
 * pipes with it, as a killed CLI does. Arguments: the plugin's main.js, the API base URL, the API key, the URN, and
 * the Create's properties as JSON.
 */
import * as grpc from "@grpc/grpc-js";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/provider_pb";
import { spawn } from "child_process";
import { encodeProps } from "../../provider/plugin/wire";

const [plugin, baseUrl, apiKey, urn, properties] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const child = spawn(process.execPath, [plugin, "127.0.0.1:1"], { stdio: ["ignore", "pipe", "pipe"] });
child.stderr.on("data", () => undefined);
child.stdout.once("data", (first: Buffer) => {
  const port = String(first).trim().split("\n")[0];
  const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const configure = new pb.ConfigureRequest().setArgs(encodeProps({ baseUrl, apiKey }, new Set()));
  client.configure(configure, (error) => {
    if (error) throw error;
    const create = new pb.CreateRequest()
      .setUrn(urn)
      .setType("digicert:index:CodeSigningOrder")
      .setProperties(encodeProps(JSON.parse(properties) as Record<string, unknown>, new Set()));
    client.create(create, () => undefined);
    console.log(`plugin ${child.pid} created-sent`);
  });
});
setInterval(() => undefined, 1000);
