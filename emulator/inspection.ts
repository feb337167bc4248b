/**
 * The camelCase inspection view of stored orders handed to tests (`Emulator.orders()`), as deep copies so a
 * test cannot change emulator state by mutating what it was given.
 */
import { formatDateTime } from "./dates";
import { Store, StoredCertificate, StoredOrder } from "./store";
import { EmulatedCertificate, EmulatedOrder } from "./types";

/** Removes keys whose value is undefined, so chai's deep.equal matches objects written without them. */
function withoutUndefined<T extends object>(object: T): T {
  for (const key of Object.keys(object) as (keyof T)[]) {
    if (object[key] === undefined) delete object[key];
  }
  return object;
}

function toEmulatedCertificate(certificate: StoredCertificate): EmulatedCertificate {
  return withoutUndefined({
    id: certificate.id,
    serialNumber: certificate.serialNumber,
    thumbprint: certificate.thumbprint,
    validFrom: certificate.validFrom,
    validTill: certificate.validTill,
    dateIssued: certificate.dateIssued === undefined ? undefined : formatDateTime(certificate.dateIssued),
  });
}

export function toEmulatedOrder(store: Store, order: StoredOrder): EmulatedOrder {
  const certificate = order.certificate;
  const emulatedCertificate = certificate && toEmulatedCertificate(certificate);
  return withoutUndefined({
    id: order.id,
    product: order.product,
    status: order.status,
    body: structuredClone(order.body),
    alternativeOrderId: order.placement.alternativeOrderId,
    requests: store.requestsOf(order).map((request) => ({
      id: request.id,
      type: request.type,
      status: request.status,
    })),
    certificate: emulatedCertificate,
    organizationId: order.organizationId,
    renewalOfOrderId: order.placement.renewalOfOrderId,
    isRenewed: order.isRenewed,
    renewedOrderId: order.renewedOrderId,
    reissues:
      order.reissues.length === 0
        ? undefined
        : order.reissues.map((reissue) => ({
            requestId: reissue.requestId,
            status: reissue.status,
            certificate: toEmulatedCertificate(reissue.certificate),
          })),
    previousCertificateIds:
      order.previousCertificates.length === 0 ? undefined : order.previousCertificates.map((c) => c.id),
  });
}
