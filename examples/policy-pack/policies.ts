/**
 * The policies of the pack (index.ts), and the checks behind them as plain functions over a resource's inputs, so
 * they can be tested without the Pulumi CLI. Each check returns the violations it finds (empty: compliant).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";

/** The type token of `CodeSigningOrder` (a dynamic resource, module `digicert`). */
export const CODE_SIGNING_ORDER_TYPE = "pulumi-nodejs:dynamic/digicert:CodeSigningOrder";

/** The longest life of a code signing certificate since 2026-02-24 (CA/Browser Forum code signing requirements). */
export const MAX_VALIDITY_DAYS = 459;

/** The inputs these checks read; everything else in a resource's inputs is ignored. */
export interface OrderInputs {
  product?: unknown;
  csProvisioningMethod?: unknown;
  certificate?: { csr?: unknown };
  orderValidity?: { years?: unknown; days?: unknown; customExpirationDate?: unknown };
  onDelete?: unknown;
}

/** The stack of a URN: `urn:pulumi:<stack>::<project>::<type>::<name>`. */
export function stackOfUrn(urn: string): string {
  return urn.split("::")[0].replace(/^urn:pulumi:/, "");
}

/** Revoking a code signing certificate can invalidate released software: never from a production stack. */
export function checkNoRevokeInProduction(
  inputs: OrderInputs,
  stack: string,
  productionStacks: readonly string[],
): string[] {
  if (inputs.onDelete !== "revoke" || !productionStacks.includes(stack)) return [];
  return [
    `onDelete "revoke" is not allowed in production stack "${stack}": revoking a code signing certificate can ` +
      `invalidate software already signed with it. Use "retain" (or "cancel").`,
  ];
}

/**
 * EV keys live on hardware: a token DigiCert ships (`ship_token`) or your own HSM, which gets a CSR (`email` with
 * `certificate.csr`). Other methods can be allowed through the policy's config.
 */
export function checkEvOnHardware(inputs: OrderInputs, allowedMethods: readonly string[]): string[] {
  if (inputs.product !== "code_signing_ev") return [];
  const method = inputs.csProvisioningMethod;
  if (typeof method !== "string" || !allowedMethods.includes(method)) {
    return [
      `EV certificates must be provisioned on a token or an HSM (csProvisioningMethod ${allowedMethods
        .map((m) => `"${m}"`)
        .join(" or ")}), not ${method === undefined ? "unset" : JSON.stringify(method)}.`,
    ];
  }
  if (method === "email" && typeof inputs.certificate?.csr !== "string") {
    return ['EV with csProvisioningMethod "email" must send your HSM\'s CSR (certificate.csr).'];
  }
  return [];
}

/** The order's validity must fit one certificate's life: at most 459 days. */
export function checkValidityWithinLimit(inputs: OrderInputs, now: Date = new Date()): string[] {
  const validity = inputs.orderValidity;
  if (validity === undefined) return [];
  const tooLong = (days: number) => [
    `orderValidity is ${days} days; code signing certificates live at most ${MAX_VALIDITY_DAYS} days.`,
  ];
  if (typeof validity.years === "number" && validity.years * 365 > MAX_VALIDITY_DAYS) {
    return tooLong(validity.years * 365);
  }
  if (typeof validity.days === "number" && validity.days > MAX_VALIDITY_DAYS) return tooLong(validity.days);
  if (typeof validity.customExpirationDate === "string") {
    const end = Date.parse(validity.customExpirationDate);
    const days = Math.ceil((end - now.getTime()) / 86_400_000);
    if (Number.isFinite(days) && days > MAX_VALIDITY_DAYS) return tooLong(days);
  }
  return [];
}

interface PackConfig {
  productionStacks: string[];
  evProvisioningMethods: string[];
}

const DEFAULTS: PackConfig = {
  productionStacks: ["prod", "production"],
  evProvisioningMethods: ["ship_token", "email"],
};

function ordersOnly(
  check: (inputs: OrderInputs, urn: string, config: PackConfig) => string[],
): ResourceValidationPolicy["validateResource"] {
  return (args, reportViolation) => {
    if (args.type !== CODE_SIGNING_ORDER_TYPE) return;
    const config = { ...DEFAULTS, ...args.getConfig<Partial<PackConfig>>() };
    for (const message of check(args.props as OrderInputs, args.urn, config)) reportViolation(message);
  };
}

export const policies: ResourceValidationPolicy[] = [
  {
    name: "code-signing-no-revoke-in-production",
    description: 'No onDelete "revoke" on CodeSigningOrder resources in production stacks.',
    enforcementLevel: "mandatory",
    configSchema: {
      properties: {
        productionStacks: { type: "array", items: { type: "string" }, default: DEFAULTS.productionStacks },
      },
    },
    validateResource: ordersOnly((inputs, urn, config) =>
      checkNoRevokeInProduction(inputs, stackOfUrn(urn), config.productionStacks),
    ),
  },
  {
    name: "code-signing-ev-on-hardware",
    description: "EV code signing certificates only on a DigiCert-shipped token or your own HSM.",
    enforcementLevel: "mandatory",
    configSchema: {
      properties: {
        evProvisioningMethods: {
          type: "array",
          items: { type: "string" },
          default: DEFAULTS.evProvisioningMethods,
        },
      },
    },
    validateResource: ordersOnly((inputs, _urn, config) =>
      checkEvOnHardware(inputs, config.evProvisioningMethods),
    ),
  },
  {
    name: "code-signing-validity-within-459-days",
    description: `Code signing orders valid for at most ${MAX_VALIDITY_DAYS} days.`,
    enforcementLevel: "mandatory",
    validateResource: ordersOnly((inputs) => checkValidityWithinLimit(inputs)),
  },
];
