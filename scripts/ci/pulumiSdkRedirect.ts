/**
 * Preloaded with `node --require` (through NODE_OPTIONS, so child processes get it too): every `@pulumi/pulumi`
 * request resolves from PULUMI_SDK_DIR (a folder whose node_modules holds another version of the SDK) instead of
 * this checkout's node_modules; so do `@grpc/grpc-js` and `google-protobuf`, which the test harness uses beside the
 * SDK's generated stubs and which must be the SDK's own copies. scripts/ci/test-pulumi-floor.sh uses it to run the suites under the oldest
 * `@pulumi/pulumi` that the peer dependency allows, without touching the lockfile.
 */
import Module = require("module");

const REDIRECTED = ["@pulumi/pulumi", "@grpc/grpc-js", "google-protobuf"];
const sdkDir = process.env.PULUMI_SDK_DIR;
if (sdkDir) {
  type Resolve = (
    request: string,
    parent: unknown,
    isMain: boolean,
    options?: { paths?: string[] },
  ) => string;
  const internals = Module as unknown as { _resolveFilename: Resolve };
  const resolve = internals._resolveFilename;
  internals._resolveFilename = function (request, parent, isMain, options) {
    if (REDIRECTED.some((name) => request === name || request.startsWith(`${name}/`))) {
      return resolve.call(this, request, parent, isMain, { ...options, paths: [sdkDir] });
    }
    return resolve.call(this, request, parent, isMain, options);
  };
}
