#!/usr/bin/env node
/**
 * `certcentral-emulator`: runs the emulator until SIGINT/SIGTERM. The first (and only) stdout line is the base
 * URL, so a script can start it with --port 0 and read where it listens.
 *
 *   certcentral-emulator [--port N] [--api-key K]... [--auto-progress on-read|off] [--no-rate-limit]
 */
import { AutoProgressFlag, PortFromString } from "./codecs";
import { decodeOrUndefined } from "./decoding";
import { startEmulator } from "./index";
import { EmulatorOptions } from "./types";

const USAGE =
  "usage: certcentral-emulator [--port N] [--api-key K]... [--auto-progress on-read|off] [--no-rate-limit]";

class UsageError extends Error {}

export function parseArguments(args: readonly string[]): EmulatorOptions {
  const options: EmulatorOptions = { port: 0 };
  const apiKeys: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const flag = args[index];
    const value = (): string => {
      const next = args[++index];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case "--port": {
        const port = decodeOrUndefined(PortFromString, value());
        if (port === undefined) throw new UsageError("--port needs a number from 0 to 65535");
        options.port = port;
        break;
      }
      case "--api-key": {
        const key = value();
        if (key === "") throw new UsageError("--api-key needs a non-empty key");
        apiKeys.push(key);
        break;
      }
      case "--auto-progress": {
        const mode = decodeOrUndefined(AutoProgressFlag, value());
        if (mode === undefined) throw new UsageError("--auto-progress needs on-read or off");
        options.autoProgress = mode;
        break;
      }
      case "--no-rate-limit":
        options.rateLimits = [];
        break;
      default:
        throw new UsageError(`unknown argument ${flag}`);
    }
  }
  if (apiKeys.length > 0) options.apiKeys = apiKeys;
  return options;
}

async function main(): Promise<void> {
  let options: EmulatorOptions;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  const emulator = await startEmulator(options);
  process.stdout.write(`${emulator.baseUrl}\n`);
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
