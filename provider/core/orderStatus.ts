/**
 * What an order's status means for its lifecycle. DigiCert's status values are open: an unknown one is kept and
 * treated as live (not terminal).
 */

/** Statuses after which an order will never be issued or valid again. */
const TERMINAL_STATUSES: readonly string[] = ["rejected", "canceled", "cancelled", "revoked", "expired"];

/** Statuses of an order whose certificate is out: it can be revoked, not canceled. */
const CERTIFICATE_OUT_STATUSES: readonly string[] = ["issued", "reissue_pending"];

export function isTerminalStatus(status: string | undefined): boolean {
  return status !== undefined && TERMINAL_STATUSES.includes(status);
}

export function hasCertificateOut(status: string): boolean {
  return CERTIFICATE_OUT_STATUSES.includes(status);
}
