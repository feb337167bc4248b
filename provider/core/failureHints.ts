import { CertCentralApiError, neverConnected } from "../client/errors";
import { PartialFailure } from "./errors";
import { ProviderSettings } from "./settings";

export type Operation = "create" | "update" | "read" | "delete";

/** What a request that reached nothing, or was refused for its key, did: nothing, in each operation's words. */
const NOTHING_DONE: Record<Operation, string> = {
  create: "no order was placed",
  update: "no reissue was requested",
  read: "nothing changed at DigiCert",
  delete: "nothing was canceled or revoked",
};

/**
 * A failure leaving the provider, with what the user can do about it appended: which URL and setting were used when
 * nothing answers, which setting supplied a key DigiCert refused. DigiCert's own code, message and HTTP status stay
 * first. Partial failures already say what was recorded; they are left as they are. Settings' names only, never a
 * value that could be the key.
 */
export function explainFailure(error: unknown, settings: ProviderSettings, operation: Operation): void {
  if (!(error instanceof Error) || error instanceof PartialFailure) return;
  const hint = hintFor(error, settings, operation);
  if (hint !== undefined) error.message = `${error.message}. ${hint}`;
}

function hintFor(error: Error, settings: ProviderSettings, operation: Operation): string | undefined {
  const where = `${settings.baseUrl} (from ${settings.sources.baseUrl})`;
  if (neverConnected(error)) {
    return (
      `Nothing answers at ${where}: the request never reached it, so ${NOTHING_DONE[operation]}. Is the CertCentral ` +
      "emulator running? Otherwise check digicert:baseUrl (or digicert:region)."
    );
  }
  if (!(error instanceof CertCentralApiError)) return undefined;
  const key = settings.sources.apiKey ?? "digicert:apiKey";
  if (error.httpStatus === 401 || hasCodePart(error, "access_denied_invalid_key", "invalid_api_key")) {
    return (
      `DigiCert at ${where} did not accept the API key from ${key}, so ${NOTHING_DONE[operation]}. Check the key ` +
      "(`pulumi config set --secret digicert:apiKey <key>`) and that it belongs to a CertCentral account of this " +
      "region (us: www.digicert.com, eu: certcentral.digicert.eu)."
    );
  }
  if (hasCodePart(error, "missing_permission")) {
    return (
      `The API key from ${key} is valid at ${settings.baseUrl} but may not do this, so ${NOTHING_DONE[operation]}: ` +
      "give the key (or its user) a role that may order and manage code signing certificates in CertCentral."
    );
  }
  return undefined;
}

/** DigiCert's codes read `category|detail` (`access_denied|access_denied_invalid_key`): any part may match. */
function hasCodePart(error: CertCentralApiError, ...parts: string[]): boolean {
  return error.errors.some((e) => e.code.split("|").some((part) => parts.includes(part)));
}
