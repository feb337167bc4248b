/**
 * The order both programs place: DigiCert's own example for `POST /order/certificate/code_signing_ev`
 * (shared/reference/digicert-order-code-signing-certificate.txt), as `CodeSigningOrder` inputs and as the
 * snake_case body a hand-written provider sends. The bench checks at run time that the two bodies reaching the
 * emulator are the same (ours adds only `alternative_order_id`).
 */
import type { CodeSigningOrderArgs } from "../../sdk";
import { seedBody, seedInputs } from "../../test/fixtures/digicertExample";

export const PRODUCT = "code_signing_ev";

/** Resources each program registers; the bench derives more by changing the name (as a user's loop would). */
export const PROGRAM_RESOURCE_NAMES = ["order-0", "order-1"] as const;

export const SAMPLE_ARGS: CodeSigningOrderArgs = seedInputs;

export const SAMPLE_BODY = seedBody;
