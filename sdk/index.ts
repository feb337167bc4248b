export { CodeSigningOrder } from "./codeSigningOrder";
export type {
  CodeSigningOrderArgs,
  CertificateArgs,
  OrganizationArgs,
  OrderValidityArgs,
  ShipInfoArgs,
  CustomFieldArgs,
  OrderRequestSummary,
  ReissueSummary,
} from "./args";
