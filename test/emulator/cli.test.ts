import { expect } from "chai";
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as readline from "node:readline";
import axios from "axios";
import { parseArguments } from "../../emulator/cli";

/** dist/test/emulator → dist/emulator/cli.js */
const CLI = path.resolve(__dirname, "../../emulator/cli.js");

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!child.stdout) return reject(new Error("no stdout"));
    const lines = readline.createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      lines.close();
      resolve(line);
    });
    child.once("exit", (code) => reject(new Error(`cli exited with ${code}`)));
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once("exit", (code) => resolve(code));
  });
}

describe("emulator: CLI", () => {
  it("prints its base URL first, serves the API, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [CLI, "--port", "0", "--api-key", "cli-key", "--no-rate-limit"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const baseUrl = await firstLine(child);
      expect(baseUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\/services\/v2$/);
      const response = await axios.get(`${baseUrl}/order/certificate/1`, {
        headers: { "X-DC-DEVKEY": "cli-key" },
        validateStatus: () => true,
      });
      expect(response.status).to.equal(404);
      expect(response.data.errors[0].code).to.equal("not_found|order");
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exitOf(child)).to.equal(0);
  });

  it("exits 2 with usage on a bad argument", async () => {
    const child = spawn(process.execPath, [CLI, "--port", "http"], { stdio: ["ignore", "pipe", "pipe"] });
    expect(await exitOf(child)).to.equal(2);
  });

  it("parses its flags", () => {
    expect(parseArguments([])).to.deep.equal({ port: 0 });
    expect(
      parseArguments([
        "--port",
        "8080",
        "--api-key",
        "a",
        "--api-key",
        "b",
        "--auto-progress",
        "on-read",
        "--no-rate-limit",
      ]),
    ).to.deep.equal({ port: 8080, apiKeys: ["a", "b"], autoProgress: "on-read", rateLimits: [] });
    expect(() => parseArguments(["--auto-progress", "always"])).to.throw(/on-read or off/);
    expect(() => parseArguments(["--port"])).to.throw(/needs a value/);
    expect(() => parseArguments(["--verbose"])).to.throw(/unknown argument/);
  });
});
