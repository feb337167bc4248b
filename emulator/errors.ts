/**
 * DigiCert-shaped errors: every error answer is `{"errors":[{"code","message"}, ...]}` (reference §13). Handlers
 * throw `ApiError`; the server turns it into the HTTP answer.
 */

export interface ErrorEntry {
  code: string;
  message: string;
}

export interface ErrorBody {
  errors: ErrorEntry[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly entries: ErrorEntry[],
  ) {
    super(entries.map((entry) => `${entry.code}: ${entry.message}`).join("; "));
    this.name = "ApiError";
  }

  body(): ErrorBody {
    return { errors: this.entries };
  }
}

const single = (status: number, code: string, message: string): ApiError =>
  new ApiError(status, [{ code, message }]);

export const invalidApiKey = (): ApiError =>
  single(403, "access_denied|access_denied_invalid_key", "Access denied due to access_denied_invalid_key.");

export const requestLimitExceeded = (): ApiError =>
  single(429, "request_limit_exceeded", "Service unavailable, please limit request volume");

export const routeNotFound = (): ApiError =>
  single(404, "not_found|route", "The specified route was not found.");

export const orderNotFound = (): ApiError => single(404, "not_found|order", "Order not found.");

export const productNotFound = (): ApiError => single(404, "not_found|product", "Product not found.");

export const requestNotFound = (): ApiError => single(404, "not_found|request", "Request not found.");

export const certificateNotFound = (): ApiError =>
  single(404, "not_found|certificate", "Certificate not found.");

export const badRequestFormat = (detail: string): ApiError =>
  single(400, "bad_request_format", `The request body could not be parsed: ${detail}`);

// DigiCert documents no body size limit or 413 code; the code is the emulator's choice (HTTP's reason phrase).
export const payloadTooLarge = (limit: number): ApiError =>
  single(
    413,
    "request_entity_too_large",
    `The request body is too large: at most ${limit} bytes are accepted.`,
  );

// DigiCert's exact codes for missing and invalid parameters are unconfirmed (reference §13 lists
// `missing_field`/`required_param:…` as [U]); the emulator uses these two and names the snake_case field.
export const missingField = (field: string): ErrorEntry => ({
  code: "missing_field",
  message: `The field ${field} is required.`,
});

export const invalidValue = (field: string, why: string): ErrorEntry => ({
  code: "invalid_value",
  message: `The field ${field} is invalid: ${why}`,
});

export const validationFailed = (entries: ErrorEntry[]): ApiError => new ApiError(400, entries);

// The code DigiCert returns when an order's state forbids a status change is unconfirmed (reference §8 says
// only "a 400"); `invalid_status` is the emulator's choice.
export const invalidStatus = (message: string): ApiError => single(400, "invalid_status", message);

export const notEligibleForRenewal = (orderId: number): ApiError =>
  single(
    400,
    "order_not_eligible_for_renewal",
    `Order ${orderId} cannot be renewed: it must exist and be issued.`,
  );

export const alreadyRevoked = (): ApiError =>
  single(400, "order_already_revoked", "The order's certificate has already been revoked.");

// DigiCert documents no error for downloading a certificate that lives on a hardware token (ship_token,
// client_app: installed with DHCI using hardware_init_code, reference §12); the code is the emulator's choice.
export const downloadNotAllowed = (method: string): ApiError =>
  single(
    400,
    "download_not_allowed",
    `Certificates provisioned by ${method} are installed on the token with DigiCert Hardware Certificate Installer (hardware_init_code in order info); there is nothing to download.`,
  );

// DigiCert's answer for a certificate that is not issued yet (a pending reissue) is not documented.
export const certificateNotIssued = (certificateId: number): ApiError =>
  single(400, "invalid_status", `Certificate ${certificateId} is not issued.`);

/** A DigiCert format the emulator does not produce (zip archives); never a DigiCert answer. */
export const unsupportedFormat = (format: string): ApiError =>
  single(
    400,
    "emulator_unsupported_format",
    `The emulator does not produce the ${format} format; use pem_all, pem_noroot, pem_nointermediate, p7b or cer.`,
  );

export const faultError = (status: number, code?: string, message?: string): ApiError =>
  single(status, code ?? "emulator_fault", message ?? `Injected fault: HTTP ${status}.`);
