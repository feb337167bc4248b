/**
 * A marker outlives its writer for up to a day, and PIDs are reused. A marker whose PID now belongs to a process that
 * started after the marker was written cannot be that process's request in flight: honouring it as one makes every
 * re-run wait 240 s and then refuse to order ("Stop that process or let it finish"), naming an unrelated process, until
 * the marker is a day old (measured with the real CLI and a marker naming a `sleep`: 4m2s, then the refusal).
 */
import { expect } from "chai";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { orderPostSubject, pendingPostsOn } from "../../provider/core/pendingPosts";

describe("pendingPosts: a marker naming a PID reused since", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "pending-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("is a killed run's marker, not another process's request in flight", async () => {
    const pending = pendingPostsOn(dir, "https://example.test/services/v2", Date.now);
    const subject = orderPostSubject("urn:pulumi:dev::p::digicert:index:CodeSigningOrder::signing", "pcs1");
    const writtenAt = Date.now() - 60_000;
    pending.mark(subject, writtenAt);
    // The writer is gone; its PID now belongs to a process started a minute after the marker was written.
    const unrelated = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    try {
      const [marker] = fs.readdirSync(dir);
      fs.writeFileSync(path.join(dir, marker!), `${writtenAt} ${unrelated.pid}`);
      expect(pending.inFlightElsewhere(subject), "in flight in a process started after the marker").to.equal(
        undefined,
      );
      expect(pending.since(subject)).to.equal(writtenAt);
    } finally {
      unrelated.kill("SIGKILL");
      await new Promise((resolve) => unrelated.once("exit", resolve));
    }
  });
});
