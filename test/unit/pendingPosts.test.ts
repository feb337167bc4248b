import { expect } from "chai";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { orderPostSubject, pendingPostsOn } from "../../provider/core/pendingPosts";
import { processStartTicks } from "../../provider/core/processLife";

describe("pendingPosts: unanswered POSTs remembered on disk", () => {
  let dir: string;
  const now = () => 1_000_000;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "pending-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("two stacks sharing your own alternativeOrderId are different subjects", () => {
    const pending = pendingPostsOn(dir, "https://example.test/services/v2", now);
    pending.mark(orderPostSubject("org/codesigning/dev/signing", "team-signing"), 999_000);
    expect(pending.since(orderPostSubject("org/codesigning/prod/signing", "team-signing"))).to.equal(
      undefined,
    );
  });

  it("a marker whose writer still runs is a request in flight, not a killed run's; a dead writer's is honoured", async () => {
    const pending = pendingPostsOn(dir, "https://example.test/services/v2", now);
    const subject = orderPostSubject("org/codesigning/dev/signing", "team-signing");
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    try {
      const file = fs.readdirSync(dir).length === 0 ? undefined : "exists";
      expect(file).to.equal(undefined);
      pending.mark(subject, 999_000);
      const [marker] = fs.readdirSync(dir);
      // The child's marker as it writes it: its PID and its start time.
      fs.writeFileSync(path.join(dir, marker), `999000 ${child.pid} ${processStartTicks(child.pid!)}`);
      expect(pending.since(subject)).to.equal(undefined);
    } finally {
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
    }
    expect(pending.since(subject)).to.equal(999_000);
  });

  it("never fails the operation it guards: a folder that is a file", () => {
    const file = path.join(dir, "a-file");
    fs.writeFileSync(file, "");
    const pending = pendingPostsOn(file, "https://example.test/services/v2", now);
    const subject = orderPostSubject("org/codesigning/dev/signing", "pcs123");
    expect(() => pending.mark(subject, 999_000)).not.to.throw();
    expect(pending.since(subject)).to.equal(undefined);
    expect(() => pending.clear(subject)).not.to.throw();
  });
});
