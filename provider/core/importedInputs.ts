import { OrderInfoResponse } from "../client/answers";
import { productOf } from "./mapping";

type Props = Record<string, unknown>;

function present(entries: [string, unknown][]): Props | undefined {
  const kept = entries.filter(([, v]) => v !== undefined && v !== null);
  return kept.length === 0 ? undefined : Object.fromEntries(kept);
}

/**
 * The inputs an existing order declares, read back from its order info: what `pulumi import` records when it has
 * only the order ID, so that a program declaring the same order previews clean. The inverse of orderRequestBody
 * for the fields that define the certificate (the replacing inputs); everything else keeps its default.
 */
export function importedInputs(info: OrderInfoResponse): Props {
  const cert = info.certificate ?? undefined;
  const organizationId = Array.isArray(info.organization) ? undefined : (info.organization?.id ?? undefined);
  const validity = info.order_validity ?? undefined;
  return (
    present([
      ["product", productOf(info)],
      [
        "certificate",
        present([
          ["csr", cert?.csr ?? undefined],
          ["serverPlatform", present([["id", cert?.server_platform?.id ?? undefined]])],
          ["signatureHash", cert?.signature_hash ?? undefined],
        ]) ?? {},
      ],
      ["organization", present([["id", organizationId]])],
      [
        "orderValidity",
        present([
          ["years", validity?.years ?? undefined],
          ["days", validity?.days ?? undefined],
          ["customExpirationDate", validity?.custom_expiration_date ?? undefined],
        ]),
      ],
      ["csProvisioningMethod", info.cs_provisioning_method ?? undefined],
      ["container", present([["id", info.container?.id ?? undefined]])],
    ]) ?? {}
  );
}
