import { expect } from "chai";
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as readline from "node:readline";
import axios from "axios";
import { banner, maskKey, parseArguments, parseCommand, requestLogLine, USAGE } from "../../emulator/cli";

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

/** Collects a stream's text and resolves once it contains `wanted`. */
function collect(stream: NodeJS.ReadableStream | null): {
  text: () => string;
  until: (wanted: string) => Promise<void>;
} {
  let text = "";
  const waiters: { wanted: string; resolve: () => void }[] = [];
  stream?.setEncoding("utf8");
  stream?.on("data", (chunk: string) => {
    text += chunk;
    for (const waiter of waiters.filter((w) => text.includes(w.wanted))) waiter.resolve();
  });
  return {
    text: () => text,
    until: (wanted) =>
      text.includes(wanted) ? Promise.resolve() : new Promise((resolve) => waiters.push({ wanted, resolve })),
  };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once("exit", (code) => resolve(code));
  });
}

/** Runs the CLI to completion and returns its exit code and output. */
async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  const code = await exitOf(child);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe("emulator: CLI", () => {
  it("prints its base URL first, a banner on stderr, serves the API, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [CLI, "--port", "0", "--api-key", "cli-key", "--no-rate-limit"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stderr = collect(child.stderr);
    try {
      const baseUrl = await firstLine(child);
      expect(baseUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\/services\/v2$/);
      await stderr.until("Stop with");
      const origin = baseUrl.replace("/services/v2", "");
      expect(stderr.text()).to.include(`API base URL     ${baseUrl}`);
      expect(stderr.text()).to.include("cli-key");
      expect(stderr.text()).to.include(`${origin}/__emulator`);
      expect(stderr.text()).to.include("POST    /__emulator/orders/:id/issue");
      expect(stderr.text()).to.include("rate limits      off");
      const response = await axios.get(`${baseUrl}/order/certificate/1`, {
        headers: { "X-DC-DEVKEY": "cli-key" },
        validateStatus: () => true,
      });
      expect(response.status).to.equal(404);
      expect(response.data.errors[0].code).to.equal("not_found|order");
      expect(stderr.text()).to.not.include("GET /services/v2/order/certificate/1");
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exitOf(child)).to.equal(0);
  });

  it("logs one line per API request with --log-requests, the key masked", async () => {
    const key = "a-long-emulator-key";
    const child = spawn(process.execPath, [CLI, "--port=0", `--api-key=${key}`, "--log-requests"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stderr = collect(child.stderr);
    try {
      const baseUrl = await firstLine(child);
      await axios.get(`${baseUrl}/order/certificate/7`, {
        headers: { "X-DC-DEVKEY": key },
        validateStatus: () => true,
      });
      await axios.get(`${baseUrl}/order/certificate/8`, { validateStatus: () => true });
      await stderr.until("certificate/8");
      expect(stderr.text()).to.include("GET /services/v2/order/certificate/7 404 key=a-lo****\n");
      expect(stderr.text()).to.include("GET /services/v2/order/certificate/8 403 key=-\n");
      expect(stderr.text()).to.not.include(`key=${key}`);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exitOf(child)).to.equal(0);
  });

  it("--help and -h print the usage on stdout and exit 0", async () => {
    for (const flag of ["--help", "-h"]) {
      const { code, stdout } = await run([flag]);
      expect(code).to.equal(0);
      expect(stdout).to.equal(`${USAGE}\n`);
    }
  });

  it("--version prints the package version and exits 0", async () => {
    const { code, stdout } = await run(["--version"]);
    expect(code).to.equal(0);
    expect(stdout).to.match(/^pulumi-digicert-code-signing \d+\.\d+\.\d+\S*\n$/);
  });

  it("exits 2 with the reason and usage on a bad argument", async () => {
    const { code, stderr } = await run(["--port", "http"]);
    expect(code).to.equal(2);
    expect(stderr).to.include("--port needs a number from 0 to 65535");
    expect(stderr).to.include("usage: certcentral-emulator");
  });

  it("parses its flags, as --flag value or --flag=value", () => {
    expect(parseArguments([])).to.deep.equal({ port: 0 });
    const expected = { port: 8080, apiKeys: ["a", "b"], autoProgress: "on-read", rateLimits: [] };
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
    ).to.deep.equal(expected);
    expect(
      parseArguments([
        "--port=8080",
        "--api-key=a",
        "--api-key=b",
        "--auto-progress=on-read",
        "--no-rate-limit",
      ]),
    ).to.deep.equal(expected);
    expect(parseCommand(["--log-requests"])).to.deep.equal({
      kind: "run",
      options: { port: 0 },
      logRequests: true,
    });
    expect(parseCommand(["--port", "1", "--help"])).to.deep.equal({ kind: "help" });
    expect(parseCommand(["--version"])).to.deep.equal({ kind: "version" });
  });

  it("refuses what it would otherwise misread", () => {
    const refusals: [string[], RegExp][] = [
      [["--auto-progress", "always"], /on-read or off/],
      [["--port"], /--port needs a value/],
      [["--port="], /--port needs a number/],
      [["--port", "65536"], /--port needs a number/],
      [["--verbose"], /unknown argument --verbose/],
      [["8443"], /unexpected argument 8443/],
      [["--api-key", "--port", "8443"], /--api-key needs a value, and the next argument is a flag/],
      [["--port", "-1"], /--port needs a value, and the next argument is a flag/],
      [["--api-key=--port"], /looks like a flag/],
      [["--api-key="], /non-empty key/],
      [["--no-rate-limit=yes"], /--no-rate-limit takes no value/],
    ];
    for (const [args, reason] of refusals) {
      expect(() => parseCommand(args), args.join(" ")).to.throw(reason);
    }
    expect(() => parseArguments(["--help"])).to.throw(/does not start/);
  });

  it("masks keys in the request log and formats its lines", () => {
    expect(maskKey(undefined)).to.equal("-");
    expect(maskKey("short")).to.equal("****");
    expect(maskKey("emulator-api-key")).to.equal("emul****");
    const record = { method: "PUT", path: "/order/certificate/7/status", query: {}, body: undefined, at: 0 };
    expect(
      requestLogLine({ ...record, headers: { "x-dc-devkey": "emulator-api-key" }, status: 204 }),
    ).to.equal("PUT /services/v2/order/certificate/7/status 204 key=emul****");
    expect(requestLogLine({ ...record, headers: {}, status: 0 })).to.equal(
      "PUT /services/v2/order/certificate/7/status no-answer key=-",
    );
  });

  it("shows the default key and DigiCert's limits in the banner", () => {
    const text = banner("http://127.0.0.1:8443/services/v2", { port: 8443 }, false);
    expect(text).to.include("emulator-api-key");
    expect(text).to.include("100 per 5 s, 1000 per 300 s per key");
    expect(text).to.include("request log      off (--log-requests)");
  });
});
