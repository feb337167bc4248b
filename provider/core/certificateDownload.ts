import { X509Certificate } from "crypto";
import { CertCentralApiError } from "../client/errors";
import { ComputedOutputs } from "./codecs/state";
import { LifecycleContext, messageOf } from "./lifecycleContext";
import { hasCertificateOut } from "./orderStatus";

/**
 * `certificatePem` and `chainPem`: the issued certificate from CertCentral's download, once per certificate.
 *
 * Format `pem_all`: DigiCert's glossary documents it [C] as one PEM file (`application/x-pem-file`) holding the
 * certificate, the intermediate(s) and the root, and it is what most clients use (Infisical, Keyfactor's sibling
 * plugins). The parts are told apart by what they are, not by their order: the leaf is the certificate with the
 * order's serial number (else the first that is not a CA), the root is self-issued and dropped, the rest is the chain.
 */
export const DOWNLOAD_FORMAT = "pem_all";

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

export interface CertificatePems {
  readonly certificatePem: string;
  readonly chainPem?: string;
}

/** The leaf and the intermediates of a PEM bundle (the root left out), or undefined when it holds no certificate. */
export function splitPemBundle(text: string, serialNumber?: string): CertificatePems | undefined {
  const blocks = (text.match(PEM_BLOCK) ?? []).map((pem) => ({ pem: `${pem.trim()}\n`, cert: parse(pem) }));
  if (blocks.length === 0) return undefined;
  const serial = serialNumber === undefined ? undefined : normalizeSerial(serialNumber);
  const leaf =
    blocks.find((b) => serial !== undefined && b.cert && normalizeSerial(b.cert.serialNumber) === serial) ??
    blocks.find((b) => b.cert && !b.cert.ca) ??
    blocks[0]!;
  const chain = blocks.filter((b) => b !== leaf && !(b.cert && b.cert.subject === b.cert.issuer));
  return {
    certificatePem: leaf.pem,
    chainPem: chain.length === 0 ? undefined : chain.map((b) => b.pem).join(""),
  };
}

/**
 * Why a download is not a whole bundle, if it is not: a BEGIN without its END, a block that is not a certificate, or
 * no certificate with the order's serial number (else, without a serial, none that is not a CA).
 */
export function bundleFlaw(text: string, serialNumber?: string): string | undefined {
  const begun = (text.match(/-----BEGIN /g) ?? []).length;
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) return "no PEM certificate";
  if (begun !== blocks.length) return `${begun - blocks.length} PEM block(s) cut short or not a certificate`;
  const certs = blocks.map(parse);
  if (certs.some((c) => c === undefined)) return "a PEM block that does not parse as a certificate";
  const serial = serialNumber === undefined ? undefined : normalizeSerial(serialNumber);
  const leaf =
    serial === undefined
      ? certs.find((c) => !c!.ca)
      : certs.find((c) => normalizeSerial(c!.serialNumber) === serial);
  if (leaf === undefined) {
    return serial === undefined
      ? "no end-entity certificate"
      : `no certificate with serial number ${serialNumber}`;
  }
  return undefined;
}

function parse(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

function normalizeSerial(serial: string): string {
  return serial
    .replace(/[^0-9a-f]/gi, "")
    .toLowerCase()
    .replace(/^0+/, "");
}

/**
 * DigiCert answers a download it does not offer (a certificate installed on a token, kept in KeyLocker) with a
 * client error (e.g. 400 `download_not_allowed`): the outputs stay absent. Not for 401/403 (a key without the
 * permission may get it later), 404 (transient: a certificate not downloadable yet, a gateway), nor 408 and 429
 * (retried by the client).
 */
function downloadNotOffered(error: unknown): boolean {
  return (
    error instanceof CertCentralApiError &&
    error.httpStatus >= 400 &&
    error.httpStatus < 500 &&
    // A 404 may be a certificate not yet downloadable, or a gateway's: tried again at the next refresh.
    ![401, 403, 404, 408, 429].includes(error.httpStatus) &&
    // A route that does not exist (a wrong base URL, a proxy's page) says nothing about the certificate.
    !error.errors.some((e) => e.code.startsWith("not_found|route") || e.code.startsWith("http_"))
  );
}

/**
 * The outputs with the current certificate's PEM, downloaded if this certificate has not been (one call per
 * certificate, so a refresh of an unchanged certificate makes no download). Never fails: a download DigiCert does
 * not offer leaves the outputs absent for good; any other failure, or a body that is not the whole bundle (every PEM
 * block a certificate, the order's leaf among them), is logged and tried again at the next refresh.
 */
export async function withCertificatePem(
  ctx: LifecycleContext,
  computed: ComputedOutputs,
): Promise<ComputedOutputs> {
  const { certificateId, status } = computed;
  if (certificateId === undefined || status === undefined || !hasCertificateOut(status)) return computed;
  if (computed.downloadedCertificateId === certificateId) return computed;
  const without = { ...computed, certificatePem: undefined, chainPem: undefined };
  try {
    const text = await ctx.client.downloadCertificate(certificateId, DOWNLOAD_FORMAT);
    const flaw = bundleFlaw(text, computed.serialNumber);
    const pems = flaw === undefined ? splitPemBundle(text, computed.serialNumber) : undefined;
    if (pems === undefined) {
      // Cut short or garbled on the way (a proxy, a dropped connection): not this certificate's bundle, try again.
      ctx.log(
        `certificate ${certificateId}: DigiCert's download could not be read whole (${flaw ?? "no PEM certificate"}); ` +
          "certificatePem stays as it is and the next refresh downloads it again",
      );
      return computed;
    }
    return { ...without, ...pems, downloadedCertificateId: certificateId };
  } catch (error) {
    if (downloadNotOffered(error)) {
      ctx.log(
        `certificate ${certificateId}: DigiCert offers no download for it (${messageOf(error)}); certificatePem stays absent`,
      );
      return { ...without, downloadedCertificateId: certificateId };
    }
    ctx.log(
      `certificate ${certificateId} could not be downloaded (${messageOf(error)}); the next refresh tries again`,
    );
    return computed;
  }
}
