/**
 * The resource's outputs beyond its echoed inputs, and which inputs hold personal or account data. Plain lists:
 * the SDK must not load io-ts or the provider into a user's program. test/unit/schema.test.ts checks at compile
 * time that these match the provider's codecs (provider/core/codecs/state.ts, provider/core/codecs/inputs.ts).
 */
export const OUTPUT_KEYS = [
  "orderId",
  "status",
  "requests",
  "certificateId",
  "organizationId",
  "serialNumber",
  "thumbprint",
  "validFrom",
  "validTill",
  "dateIssued",
  "assignedAlternativeOrderId",
  "predecessorOrderId",
  "renewalLinked",
  "adoptedExistingOrder",
  "orderValidTill",
  "certificatePem",
  "chainPem",
  "downloadedCertificateId",
  "hardwareInitCode",
  "reissue",
] as const;

/** Outputs that hold a person's name and address or account data: stored encrypted in state. */
export const SECRET_INPUTS = ["shipInfo", "customFields"] as const;

/** Outputs that are secrets of their own (not echoes of secret inputs): stored encrypted in state. */
export const SECRET_OUTPUTS = ["hardwareInitCode"] as const;
