/**
 * A CrossGuard policy pack for `CodeSigningOrder` resources:
 *
 *   pulumi preview --policy-pack examples/policy-pack      (after npm install in this folder)
 *
 * The rules themselves are plain functions in policies.ts, unit-tested without the Pulumi CLI.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("digicert-code-signing", { policies });
