/**
 * The dynamic resource's progress lines go to the host's stdout. After the CLI is killed with kill -9 nobody reads that
 * pipe: a write fails with EPIPE, asynchronously, as an uncaught error. The SDK's dynamic-provider host writes every
 * uncaught error to stderr, whose reader is gone too: each write raises another EPIPE, and the host spins at full CPU
 * with its memory growing, for ever (measured with the real CLI: 3 GB in 5 minutes), holding the order POST's marker,
 * so that every re-run waits 240 s for it and fails. A progress line nobody can read must raise nothing.
 */
import { expect } from "chai";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const CHILD = path.resolve(__dirname, "brokenStdoutChild.js");

describe("progress lines with nobody reading stdout (the CLI killed)", function () {
  this.timeout(30_000);

  it("raise no uncaught error in the host", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "broken-stdout-"));
    try {
      const result = path.join(dir, "uncaught");
      const child = spawn(process.execPath, [CHILD, result], { stdio: ["ignore", "pipe", "ignore"] });
      // The CLI's end of the pipe is gone before the provider writes anything.
      child.stdout.destroy();
      await new Promise((resolve) => child.on("exit", resolve));
      expect(fs.readFileSync(result, "utf8"), "uncaught errors in the host").to.equal("0");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
