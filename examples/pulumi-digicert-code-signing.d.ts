/**
 * The examples import the package by its name, exactly as a user's program does. In this repository that name does
 * not resolve for tsc (tsconfig has no `paths` mapping, and its `node10` module resolution ignores a package's
 * reference to itself), so this declares the name's types from the SDK sources. Types only: at run time Node
 * resolves the name itself, through the package's self-reference (its `exports`) when the compiled example runs
 * from this checkout's dist/, and through `node_modules/pulumi-digicert-code-signing` in a program folder.
 */
declare module "pulumi-digicert-code-signing" {
  export const CodeSigningOrder: typeof import("../sdk").CodeSigningOrder;
  export type CodeSigningOrder = import("../sdk").CodeSigningOrder;
  export type CodeSigningOrderArgs = import("../sdk").CodeSigningOrderArgs;
  export type CertificateArgs = import("../sdk").CertificateArgs;
  export type OrganizationArgs = import("../sdk").OrganizationArgs;
  export type OrderValidityArgs = import("../sdk").OrderValidityArgs;
  export type ShipInfoArgs = import("../sdk").ShipInfoArgs;
  export type CustomFieldArgs = import("../sdk").CustomFieldArgs;
  export type OrderRequestSummary = import("../sdk").OrderRequestSummary;
  export type ReissueSummary = import("../sdk").ReissueSummary;
}
