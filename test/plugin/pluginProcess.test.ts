/**
 * The plugin as a process: it prints its port when launched the way the engine launches it (the engine's own flags
 * before the engine address), and it exits by itself once the process that launched it is gone (the CLI killed with
 * kill -9), rather than staying behind with an open port.
 */
import { expect } from "chai";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { isRunning, stdoutMatch } from "../support/processes";

const PLUGIN = path.resolve(__dirname, "..", "..", "provider", "plugin", "main.js");
const REPO = path.resolve(__dirname, "..", "..", "..");

describe("provider plugin process (pulumi-resource-digicert)", function () {
  this.timeout(20_000);

  it("starts with the engine's flags before the engine address and prints its port", async () => {
    const child = spawn(process.execPath, [PLUGIN, "--logtostderr", "-v=9", "127.0.0.1:1"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const [, port] = await stdoutMatch(child, /^(\d+)\n/);
      expect(Number(port)).to.be.greaterThan(0);
    } finally {
      child.kill("SIGKILL");
    }
  });

  for (const example of ["yaml", "go"]) {
    it(`examples/${example}'s plugins.providers path holds a launcher that starts the built plugin`, async () => {
      const project = fs.readFileSync(path.join(REPO, "examples", example, "Pulumi.yaml"), "utf8");
      const folder = project.match(/^\s+path: (.+)$/m)?.[1];
      expect(folder, "plugins.providers path").to.be.a("string");
      const launcher = path.resolve(REPO, "examples", example, folder!, "pulumi-resource-digicert");
      const child = spawn(launcher, ["127.0.0.1:1"], { stdio: ["ignore", "pipe", "inherit"] });
      try {
        const [, port] = await stdoutMatch(child, /^(\d+)\n/);
        expect(Number(port)).to.be.greaterThan(0);
      } finally {
        child.kill("SIGKILL");
      }
    });
  }

  it("exits by itself once its launcher is killed (kill -9), within a few seconds", async () => {
    // A stand-in for the engine: a shell that starts the plugin and says its PID, then is killed.
    const launcher = spawn("/bin/sh", ["-c", `"${process.execPath}" "${PLUGIN}" & echo "plugin $!"; wait`], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const [, pidText] = await stdoutMatch(launcher, /plugin (\d+)\n\d+\n/);
    const pid = Number(pidText);
    expect(isRunning(pid)).to.equal(true);
    launcher.kill("SIGKILL");
    const started = Date.now();
    // Polled, not slept on: the bound only keeps a broken plugin from hanging the suite.
    while (isRunning(pid) && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 50));
    const running = isRunning(pid);
    if (running) process.kill(pid, "SIGKILL");
    expect(running, "the orphaned plugin is still running after 10 s").to.equal(false);
    console.log(`      orphaned plugin exited ${Date.now() - started} ms after its launcher was killed`);
  });
});
