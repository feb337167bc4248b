import { expect } from "chai";
import * as http from "http";
import { AddressInfo } from "net";
import {
  CertCentralClient,
  MAX_DOWNLOAD_BYTES,
  MAX_JSON_BYTES,
} from "../../provider/client/certcentralClient";
import { CertCentralTransportError, isUnreadableAcceptance } from "../../provider/client/errors";
import { RateLimiter } from "../../provider/client/rateLimiter";
import { DEFAULT_RETRY_POLICY } from "../../provider/client/retry";
import { systemClock } from "../../provider/client/clock";

/** A server answering every request with a 200 of `bytes` bytes, streamed in 1 MiB chunks. */
async function hugeAnswers(
  bytes: number,
  contentType: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const chunk = Buffer.alloc(1 << 20, "A");
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": contentType });
    let sent = 0;
    const pump = (): void => {
      while (sent < bytes) {
        const part = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
        sent += part.length;
        if (!res.write(part)) {
          res.once("drain", pump);
          return;
        }
      }
      res.end();
    };
    res.on("error", () => undefined);
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function clientOf(baseUrl: string): CertCentralClient {
  return new CertCentralClient({
    baseUrl,
    apiKey: "k",
    timeoutMs: 60_000,
    retry: DEFAULT_RETRY_POLICY,
    limiter: new RateLimiter([], systemClock),
    clock: systemClock,
    env: {},
  });
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure, got an answer");
}

describe("client: answers larger than any DigiCert sends are not read", function () {
  this.timeout(60_000);

  it("a 200 download of 40 MB is an unreadable answer (not accepted whole)", async () => {
    const server = await hugeAnswers(40 * 1024 * 1024, "text/html");
    try {
      const error = await failureOf(clientOf(server.url).downloadCertificate(1, "pem_all"));
      expect(error).to.be.instanceOf(CertCentralTransportError);
      expect((error as CertCentralTransportError).failure).to.equal("malformed-response");
      expect((error as Error).message).to.include(`larger than ${MAX_DOWNLOAD_BYTES} bytes`);
    } finally {
      await server.close();
    }
  });

  it("a 2 MB JSON answer to the reissue POST is an unreadable answer (an acceptance: never sent again)", async () => {
    const server = await hugeAnswers(2 * 1024 * 1024, "application/json");
    try {
      const error = await failureOf(clientOf(server.url).reissueOrder(1, {}));
      expect(isUnreadableAcceptance(error)).to.equal(true);
      expect((error as Error).message).to.include(`larger than ${MAX_JSON_BYTES} bytes`);
    } finally {
      await server.close();
    }
  });

  it("a download under the limit is read", async () => {
    const server = await hugeAnswers(100 * 1024, "application/x-pem-file");
    try {
      expect(await clientOf(server.url).downloadCertificate(1, "pem_all")).to.have.length(100 * 1024);
    } finally {
      await server.close();
    }
  });
});
