/**
 * Run as its own process by brokenStdout.test.ts, with a stdout nobody reads any more (a killed CLI's pipe). It
 * installs the uncaught-error handler the SDK's dynamic-provider host installs (each error written to stderr), places
 * an order whose first POST is refused with a 503 (the provider then writes a progress line with its default log),
 * and writes to the file named by its argument how many uncaught errors the process saw.
 */
import * as fs from "fs";
import { startEmulator } from "../../emulator";
import { RateLimiter } from "../../provider/client/rateLimiter";
import { CancellationSource } from "../../provider/core/cancellation";
import { noPendingPosts } from "../../provider/core/pendingPosts";
import { ReplacementMemory } from "../../provider/core/replacementMemory";
import { CodeSigningOrderProvider } from "../../provider/operations/codeSigningOrderProvider";
import { ovHsmInputs } from "../fixtures/digicertExample";
import { EMULATOR_KEY, instantClock, stackConfig } from "./providerFixture";

const resultFile = process.argv[2]!;
let uncaught = 0;
/** The host's handler writes each error to stderr; capped here so that the test's process ends either way. */
const hostHandler = (error: unknown) => {
  uncaught++;
  if (uncaught < 50) console.error(error instanceof Error ? error.message : String(error));
};
process.on("uncaughtException", hostHandler);
process.on("unhandledRejection", hostHandler);

async function main(): Promise<void> {
  const emulator = await startEmulator({ rateLimits: [] });
  emulator.injectFault({
    method: "POST",
    path: "/order/certificate/",
    fault: { kind: "error-before", status: 503 },
  });
  const clock = instantClock();
  const provider = new CodeSigningOrderProvider(
    stackConfig({ "digicert:apiKey": EMULATOR_KEY, "digicert:baseUrl": emulator.baseUrl }),
    {
      clock,
      env: {},
      // No `log`: the default, the host's stdout.
      limiter: new RateLimiter([], clock),
      memory: new ReplacementMemory(),
      pendingPosts: noPendingPosts,
      cancellation: new CancellationSource(),
    },
  );
  await provider.create({ ...ovHsmInputs("codesigning/dev/broken-stdout"), waitFor: "none" });
  await new Promise((resolve) => setTimeout(resolve, 500));
  await emulator.close();
  fs.writeFileSync(resultFile, String(uncaught));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    fs.writeFileSync(resultFile, `failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
