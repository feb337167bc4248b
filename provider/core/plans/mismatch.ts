import { squash } from "../pem";
import { canonicalJson } from "../canonicalJson";
import { OrderInfoResponse } from "../../client/answers";
import { CodeSigningOrderInputs } from "../codecs/inputs";
import { orderStateFromInfo, orderValidityBody, productOf } from "../mapping";

/**
 * How far an existing order is compared with the declaration before it is adopted:
 * - `named`: the user named it (`existingOrderId`): product, and organization when given by ID;
 * - `found`: found by its alternative order ID: also every defining field DigiCert reports (CSR, server platform,
 *   provisioning method, container, validity). A field DigiCert leaves out is not judged.
 */
export type MismatchScope = "named" | "found";

/** Why this order is not the one declared ("is a code_signing order, not code_signing_ev"), or undefined. */
export function declarationMismatch(
  inputs: CodeSigningOrderInputs,
  info: OrderInfoResponse,
  scope: MismatchScope,
): string | undefined {
  const product = productOf(info);
  if (product !== undefined && product !== inputs.product)
    return `is a ${product} order, not ${inputs.product}`;
  const declared = inputs.organization.id;
  const organizationId = orderStateFromInfo(info).organizationId;
  if (declared !== undefined && organizationId !== undefined && organizationId !== declared) {
    return `belongs to organization ${organizationId}, not organization.id ${declared}`;
  }
  if (scope === "named") return undefined;
  const reported: [string, unknown, unknown][] = [
    ["certificate.csr", squash(inputs.certificate.csr), squash(info.certificate?.csr ?? undefined)],
    [
      "certificate.serverPlatform.id",
      inputs.certificate.serverPlatform?.id,
      info.certificate?.server_platform?.id,
    ],
    ["csProvisioningMethod", inputs.csProvisioningMethod, info.cs_provisioning_method],
    ["container.id", inputs.container?.id, info.container?.id],
    [
      "orderValidity",
      canonicalJson(orderValidityBody(inputs.orderValidity)),
      info.order_validity && canonicalJson(validityTerms(info.order_validity)),
    ],
  ];
  const differing = reported.filter(
    ([, declaredValue, actual]) =>
      declaredValue !== undefined && actual !== undefined && actual !== null && declaredValue !== actual,
  );
  return differing.length === 0
    ? undefined
    : `differs from the declaration in ${differing.map(([name]) => name).join(", ")}`;
}

/**
 * The validity terms we declare (years, days, custom_expiration_date), set ones only: a field DigiCert adds to
 * `order_validity` one day must not make our own order look foreign.
 */
function validityTerms(value: Record<string, unknown>): Record<string, unknown> {
  const terms = ["years", "days", "custom_expiration_date"];
  return Object.fromEntries(
    Object.entries(value).filter(([k, v]) => terms.includes(k) && v !== null && v !== undefined),
  );
}
