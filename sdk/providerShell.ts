import type * as pulumi from "@pulumi/pulumi";

/**
 * The object handed to `pulumi.dynamic.Resource`: Pulumi serializes it into every resource's state as
 * `__provider` and the engine's provider host loads that text. It is a thin shell on purpose: each method loads
 * the real implementation at run time by the package's name, so state stays small, holds no secret, and an
 * upgraded package takes effect without rewriting state. Never require by a relative or absolute path here:
 * the host runs in the user's program folder, where only `node_modules/<package>` resolves.
 *
 * Keep the require specifier below a literal that never changes: old state holds this text and runs it.
 */
interface ShellState extends pulumi.dynamic.ResourceProvider {
  impl?: pulumi.dynamic.ResourceProvider;
  load(): pulumi.dynamic.ResourceProvider;
}

export const providerShell: ShellState = {
  impl: undefined,
  load() {
    if (!this.impl) this.impl = require("pulumi-digicert-code-signing/provider").createProvider(undefined);
    return this.impl as pulumi.dynamic.ResourceProvider;
  },
  async configure(req) {
    this.impl = require("pulumi-digicert-code-signing/provider").createProvider(req.config);
  },
  async check(olds, news) {
    return this.load().check!(olds, news);
  },
  async diff(id, olds, news) {
    return this.load().diff!(id, olds, news);
  },
  async create(inputs) {
    return this.load().create(inputs);
  },
  async read(id, props) {
    return this.load().read!(id, props);
  },
  async update(id, olds, news) {
    return this.load().update!(id, olds, news);
  },
  async delete(id, props) {
    return this.load().delete!(id, props);
  },
};
