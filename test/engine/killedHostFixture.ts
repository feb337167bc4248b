/**
 * What the killed-provider suites share: an emulator without rate limits, a program folder, a pending-POST folder of
 * their own, and provider hosts started there with a 5 s request timeout (the grace period is three of them), as a
 * re-run on the same machine starts them.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Emulator, startEmulator } from "../../emulator";
import { createProgramDir, removeProgramDir } from "../../harness/programDir";
import { ProviderHost, secret } from "../../harness/providerHost";
import { PROJECT } from "./engineFixture";

const API_KEY = "emulator-api-key";

export interface KilledHostFixture {
  emulator(): Emulator;
  startHost(): Promise<ProviderHost>;
}

/** Registers the suite's before/after hooks; call inside `describe`. */
export function useKilledHostFixture(): KilledHostFixture {
  let emulator: Emulator | undefined;
  let dir: string | undefined;
  let pendingDir: string | undefined;
  before(async () => {
    emulator = await startEmulator({ rateLimits: [] });
    dir = createProgramDir();
    pendingDir = fs.mkdtempSync(path.join(os.tmpdir(), "digicert-pending-"));
  });
  after(async () => {
    if (dir) removeProgramDir(dir);
    if (pendingDir) fs.rmSync(pendingDir, { recursive: true, force: true });
    await emulator?.close();
  });
  return {
    emulator: () => emulator!,
    async startHost() {
      const host = await ProviderHost.start({
        cwd: dir!,
        project: PROJECT,
        env: { DIGICERT_PENDING_DIR: pendingDir! },
      });
      await host.configure({
        "digicert:apiKey": secret(API_KEY),
        "digicert:baseUrl": emulator!.baseUrl,
        "digicert:requestTimeout": "5s",
      });
      return host;
    },
  };
}
