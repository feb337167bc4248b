/**
 * Real X.509 material for issued certificates: an emulator root CA, an intermediate ("issuing") CA signed by it,
 * and leaf code signing certificates signed by the intermediate, all with node's crypto.
 *
 * Node 20's crypto parses certificates (`X509Certificate`) but cannot create them, so this module writes the
 * few DER structures a certificate needs itself (RFC 5280): a small, synchronous writer, so issuing stays a
 * synchronous state change, and keys of any type node supports (RSA or EC from a CSR). Everything written here is
 * read back by node's own parser in the tests (`X509Certificate`: serial, SHA-1 fingerprint, issuer checks and
 * signature verification).
 *
 * The CA keys are ECDSA P-384 (like DigiCert's ECC code signing chain) and live for the process: one CA for every
 * emulator in it. Leaf certificates carry the CSR's public key when the CSR parses, and a fresh P-256 key
 * otherwise (DigiCert requires RSA 3072+ or ECC P-256+ for code signing).
 */
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  sign,
  X509Certificate,
} from "node:crypto";

// ---------------------------------------------------------------------------------------------------------
// DER writer

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, content: Buffer): Buffer =>
  Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const explicit = (tagNumber: number, content: Buffer): Buffer => tlv(0xa0 + tagNumber, content);
const octetString = (content: Buffer): Buffer => tlv(0x04, content);
const bitString = (content: Buffer, unusedBits = 0): Buffer =>
  tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), content]));
const boolean = (value: boolean): Buffer => tlv(0x01, Buffer.from([value ? 0xff : 0x00]));
const utf8String = (text: string): Buffer => tlv(0x0c, Buffer.from(text, "utf8"));
const printableString = (text: string): Buffer => tlv(0x13, Buffer.from(text, "ascii"));

/** A non-negative INTEGER from big-endian bytes (leading zeros dropped, a 0x00 added before a high bit). */
function integer(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return tlv(0x02, trimmed[0] & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

function objectIdentifier(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split(".").map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const group: number[] = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) {
      group.unshift((value & 0x7f) | 0x80);
    }
    bytes.push(...group);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime before 2050, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
function time(ms: number): Buffer {
  const iso = new Date(ms).toISOString(); // 2026-03-02T16:20:11.000Z
  const digits = iso.slice(0, 19).replace(/[-:T]/g, ""); // 20260302162011
  const year = new Date(ms).getUTCFullYear();
  return year < 2050
    ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`, "ascii"))
    : tlv(0x18, Buffer.from(`${digits}Z`, "ascii"));
}

// ---------------------------------------------------------------------------------------------------------
// DER reader (just enough to find a CSR's public key)

interface Element {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the content. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
}

function readElement(der: Buffer, offset: number): Element {
  if (offset + 2 > der.length) throw new RangeError("truncated DER");
  const tag = der[offset];
  let length = der[offset + 1];
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || contentStart + count > der.length) throw new RangeError("bad DER length");
    length = 0;
    for (let index = 0; index < count; index++) length = length * 256 + der[contentStart + index];
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > der.length) throw new RangeError("truncated DER");
  return { tag, start: offset, contentStart, end };
}

function expectTag(element: Element, tag: number): Element {
  if (element.tag !== tag) throw new RangeError(`expected DER tag ${tag}, found ${element.tag}`);
  return element;
}

/** The base64 body of a PEM block with this label, or of bare base64 text; undefined when neither. */
function pemBody(text: string, label: string): Buffer | undefined {
  const match = new RegExp(
    `-----BEGIN (?:NEW )?${label}-----([\\s\\S]*?)-----END (?:NEW )?${label}-----`,
  ).exec(text);
  const body = (match ? match[1] : text).replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+=*$/.test(body)) return undefined;
  return Buffer.from(body, "base64");
}

/**
 * The public key of a PKCS#10 CSR (PEM, with or without line breaks), or undefined when the text is not a CSR
 * node can read a key from. The CSR's signature and subject are not used: DigiCert takes the subject from the
 * organization, not from the CSR.
 */
export function csrPublicKey(csr: string | undefined): KeyObject | undefined {
  if (csr === undefined) return undefined;
  try {
    const der = pemBody(csr, "CERTIFICATE REQUEST");
    if (der === undefined) return undefined;
    const request = expectTag(readElement(der, 0), 0x30);
    const info = expectTag(readElement(der, request.contentStart), 0x30);
    const version = expectTag(readElement(der, info.contentStart), 0x02);
    const subject = expectTag(readElement(der, version.end), 0x30);
    const spki = expectTag(readElement(der, subject.end), 0x30);
    return createPublicKey({ key: der.subarray(spki.start, spki.end), format: "der", type: "spki" });
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Certificates

const OID = {
  commonName: "2.5.4.3",
  country: "2.5.4.6",
  locality: "2.5.4.7",
  state: "2.5.4.8",
  organization: "2.5.4.10",
  organizationalUnit: "2.5.4.11",
  ecdsaWithSha384: "1.2.840.10045.4.3.3",
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  basicConstraints: "2.5.29.19",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  codeSigning: "1.3.6.1.5.5.7.3.3",
  signedData: "1.2.840.113549.1.7.2",
  data: "1.2.840.113549.1.7.1",
} as const;

/** A subject or issuer, most significant attribute first; empty values are left out. */
export interface DistinguishedName {
  country?: string;
  state?: string;
  locality?: string;
  organization?: string;
  organizationalUnits?: string[];
  commonName: string;
}

function name(dn: DistinguishedName): Buffer {
  const attribute = (oid: string, value: Buffer): Buffer => set(sequence(objectIdentifier(oid), value));
  const rdns: Buffer[] = [];
  // PrintableString holds only two letters here; anything else a caller passes for a country is left out.
  if (dn.country && /^[A-Za-z]{2}$/.test(dn.country)) {
    rdns.push(attribute(OID.country, printableString(dn.country.toUpperCase())));
  }
  if (dn.state) rdns.push(attribute(OID.state, utf8String(dn.state)));
  if (dn.locality) rdns.push(attribute(OID.locality, utf8String(dn.locality)));
  if (dn.organization) rdns.push(attribute(OID.organization, utf8String(dn.organization)));
  for (const unit of dn.organizationalUnits ?? [])
    rdns.push(attribute(OID.organizationalUnit, utf8String(unit)));
  rdns.push(attribute(OID.commonName, utf8String(dn.commonName)));
  return sequence(...rdns);
}

const extension = (oid: string, critical: boolean, value: Buffer): Buffer =>
  sequence(objectIdentifier(oid), ...(critical ? [boolean(true)] : []), octetString(value));

const spkiOf = (key: KeyObject): Buffer => key.export({ type: "spki", format: "der" });
const keyIdentifier = (key: KeyObject): Buffer => createHash("sha1").update(spkiOf(key)).digest();

interface CertificateSpec {
  serial: Buffer;
  issuer: DistinguishedName;
  subject: DistinguishedName;
  notBefore: number;
  notAfter: number;
  publicKey: KeyObject;
  issuerPublicKey: KeyObject;
  signingKey: KeyObject;
  /** undefined: an end-entity code signing certificate; a number: a CA with that path length. */
  caPathLength?: number;
}

/** The DER of a v3 certificate signed with ECDSA/SHA-384 by `signingKey`. */
function certificateDer(spec: CertificateSpec): Buffer {
  const algorithm = sequence(objectIdentifier(OID.ecdsaWithSha384));
  const isCa = spec.caPathLength !== undefined;
  const extensions = [
    extension(
      OID.basicConstraints,
      true,
      isCa ? sequence(boolean(true), integer(Buffer.from([spec.caPathLength ?? 0]))) : sequence(),
    ),
    // keyCertSign + cRLSign (bits 5 and 6) for a CA; digitalSignature (bit 0) for code signing.
    extension(
      OID.keyUsage,
      true,
      isCa ? bitString(Buffer.from([0x06]), 1) : bitString(Buffer.from([0x80]), 7),
    ),
    ...(isCa ? [] : [extension(OID.extKeyUsage, false, sequence(objectIdentifier(OID.codeSigning)))]),
    extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spec.publicKey))),
    extension(OID.authorityKeyIdentifier, false, sequence(tlv(0x80, keyIdentifier(spec.issuerPublicKey)))),
  ];
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(spec.serial),
    algorithm,
    name(spec.issuer),
    sequence(time(spec.notBefore), time(spec.notAfter)),
    name(spec.subject),
    spkiOf(spec.publicKey),
    explicit(3, sequence(...extensions)),
  );
  return sequence(tbs, algorithm, bitString(sign("sha384", tbs, spec.signingKey)));
}

function pemOf(der: Buffer, label = "CERTIFICATE"): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** DigiCert shows thumbprints as the SHA-1 of the DER, upper-case hex. */
export const thumbprintOf = (der: Buffer): string =>
  createHash("sha1").update(der).digest("hex").toUpperCase();

interface Authority {
  key: KeyObject;
  publicKey: KeyObject;
  name: DistinguishedName;
  pem: string;
}

export interface CertificateAuthorities {
  root: Authority;
  intermediate: Authority;
}

const ROOT_NAME: DistinguishedName = {
  country: "US",
  organization: "CertCentral Emulator",
  commonName: "CertCentral Emulator Root G1 (not trusted)",
};
export const INTERMEDIATE_NAME: DistinguishedName = {
  country: "US",
  organization: "CertCentral Emulator",
  commonName: "CertCentral Emulator Code Signing ECC P384 SHA384 CA1",
};

let authorities: CertificateAuthorities | undefined;

/** The process's emulator CAs, created on first use. */
export function certificateAuthorities(): CertificateAuthorities {
  if (authorities) return authorities;
  const make = () => generateKeyPairSync("ec", { namedCurve: "P-384" });
  const rootKeys = make();
  const intermediateKeys = make();
  const from = Date.UTC(2020, 0, 1);
  const rootDer = certificateDer({
    serial: Buffer.from("01", "hex"),
    issuer: ROOT_NAME,
    subject: ROOT_NAME,
    notBefore: from,
    notAfter: Date.UTC(2060, 0, 1),
    publicKey: rootKeys.publicKey,
    issuerPublicKey: rootKeys.publicKey,
    signingKey: rootKeys.privateKey,
    caPathLength: 1,
  });
  const intermediateDer = certificateDer({
    serial: Buffer.from("02", "hex"),
    issuer: ROOT_NAME,
    subject: INTERMEDIATE_NAME,
    notBefore: from,
    notAfter: Date.UTC(2055, 0, 1),
    publicKey: intermediateKeys.publicKey,
    issuerPublicKey: rootKeys.publicKey,
    signingKey: rootKeys.privateKey,
    caPathLength: 0,
  });
  authorities = {
    root: { key: rootKeys.privateKey, publicKey: rootKeys.publicKey, name: ROOT_NAME, pem: pemOf(rootDer) },
    intermediate: {
      key: intermediateKeys.privateKey,
      publicKey: intermediateKeys.publicKey,
      name: INTERMEDIATE_NAME,
      pem: pemOf(intermediateDer),
    },
  };
  return authorities;
}

export interface LeafRequest {
  /** 1 to 20 bytes; the first byte must be 0x01-0x7F so the hex DigiCert shows equals the DER integer's. */
  serial: Buffer;
  subject: DistinguishedName;
  notBefore: number;
  notAfter: number;
  csr?: string;
}

export interface IssuedLeaf {
  pem: string;
  /** Upper-case hex, as DigiCert shows it (and as node's X509Certificate.serialNumber reads it). */
  serialNumber: string;
  thumbprint: string;
  keySize?: number;
  /** Whether the CSR's public key was used (otherwise a generated P-256 key). */
  fromCsr: boolean;
}

/** Issues a code signing certificate under the emulator's intermediate CA. */
export function issueLeaf(request: LeafRequest): IssuedLeaf {
  if (
    request.serial.length === 0 ||
    request.serial.length > 20 ||
    request.serial[0] < 1 ||
    request.serial[0] > 0x7f
  ) {
    throw new RangeError("serial must be 1-20 bytes with a first byte from 0x01 to 0x7F");
  }
  const { intermediate } = certificateAuthorities();
  const fromCsr = csrPublicKey(request.csr);
  const publicKey = fromCsr ?? generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey;
  const der = certificateDer({
    serial: request.serial,
    issuer: intermediate.name,
    subject: request.subject,
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    publicKey,
    issuerPublicKey: intermediate.publicKey,
    signingKey: intermediate.key,
  });
  return {
    pem: pemOf(der),
    serialNumber: request.serial.toString("hex").toUpperCase(),
    thumbprint: thumbprintOf(der),
    keySize: keySizeOf(publicKey),
    fromCsr: fromCsr !== undefined,
  };
}

function keySizeOf(key: KeyObject): number | undefined {
  const details = key.asymmetricKeyDetails;
  if (details?.modulusLength !== undefined) return details.modulusLength;
  const curveBits: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };
  return details?.namedCurve === undefined ? undefined : curveBits[details.namedCurve];
}

/** A certs-only PKCS#7 (degenerate SignedData) of the given PEM certificates, PEM-armoured. */
export function pkcs7Of(pems: readonly string[]): string {
  const certificates = pems.map((pem) => Buffer.from(new X509Certificate(pem).raw));
  const signedData = sequence(
    integer(Buffer.from([1])),
    set(),
    sequence(objectIdentifier(OID.data)),
    tlv(0xa0, Buffer.concat(certificates)),
    set(),
  );
  return pemOf(sequence(objectIdentifier(OID.signedData), explicit(0, signedData)), "PKCS7");
}
