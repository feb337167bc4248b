/**
 * The emulator's data: orders, requests, certificates and organizations, their id counters, and look-ups.
 * State transitions live in `lifecycle.ts`; this module only holds and finds things.
 */
import { InlineOrganization, ProvisioningMethod, ShipInfo, ValidatedPlacement } from "./validation";
import { CodeSigningProduct } from "./types";

/** Distinct bases so an id of one kind is never mistaken for another in tests. */
export const ID_BASES = {
  order: 7_000_001,
  request: 880_001,
  certificate: 990_001,
  organization: 500_001,
} as const;

export type RequestType = "new_request" | "revoke" | "reissue";

export interface StoredRequest {
  id: number;
  orderId: number;
  type: RequestType;
  status: string;
  /** ms on the emulator clock. */
  date: number;
  dateProcessed?: number;
  comments?: string;
  processorComment?: string;
}

export interface StoredCertificate {
  id: number;
  serialNumber?: string;
  thumbprint?: string;
  validFrom?: string;
  validTill?: string;
  dateIssued?: number;
  /** The leaf certificate (PEM) once issued, signed by the emulator's intermediate CA. */
  pem?: string;
  keySize?: number;
  /** ms on the emulator clock; set for reissued certificates (an order's first certificate uses the order's). */
  dateCreated?: number;
  /** What a reissue asked for; the order's placement holds them for its first certificate. */
  request?: CertificateRequestDetails;
}

/** The certificate fields a reissue may change (reference §10). */
export interface CertificateRequestDetails {
  csr?: string;
  signatureHash: string;
  serverPlatformId?: number;
  csProvisioningMethod?: ProvisioningMethod;
  shipInfo?: ShipInfo;
}

export type ReissueStatus = "pending" | "issued" | "rejected";

/** One reissue of an order: its request, and the certificate it creates (id allocated when requested). */
export interface StoredReissue {
  requestId: number;
  status: ReissueStatus;
  certificate: StoredCertificate;
}

export interface StoredOrganization {
  id: number;
  details?: InlineOrganization;
}

export interface StoredOrder {
  id: number;
  product: CodeSigningProduct;
  status: string;
  /** The decoded POST body as received, for inspection. */
  body: unknown;
  placement: ValidatedPlacement;
  requestIds: number[];
  certificate?: StoredCertificate;
  organizationId: number;
  isRenewed: boolean;
  renewedOrderId?: number;
  /** ms on the emulator clock. */
  dateCreated: number;
  /** Start of the order's validity (ms, UTC midnight): its first certificate's valid_from; until then unset. */
  validityStart?: number;
  /** Reissues in request order; at most one is pending. */
  reissues: StoredReissue[];
  /** Certificates replaced by reissues, oldest first (still downloadable by certificate id). */
  previousCertificates: StoredCertificate[];
}

export class Store {
  private readonly orderById = new Map<number, StoredOrder>();
  private readonly requestById = new Map<number, StoredRequest>();
  private readonly organizationById = new Map<number, StoredOrganization>();
  private nextIds: Record<keyof typeof ID_BASES, number> = { ...ID_BASES };

  reset(): void {
    this.orderById.clear();
    this.requestById.clear();
    this.organizationById.clear();
    this.nextIds = { ...ID_BASES };
  }

  allocateId(kind: keyof typeof ID_BASES): number {
    const id = this.nextIds[kind];
    this.nextIds[kind] = id + 1;
    return id;
  }

  addOrder(order: StoredOrder): void {
    this.orderById.set(order.id, order);
  }

  addRequest(request: StoredRequest): void {
    this.requestById.set(request.id, request);
    this.orderById.get(request.orderId)?.requestIds.push(request.id);
  }

  addOrganization(organization: StoredOrganization): void {
    this.organizationById.set(organization.id, organization);
  }

  orders(): StoredOrder[] {
    return [...this.orderById.values()];
  }

  order(id: number): StoredOrder | undefined {
    return this.orderById.get(id);
  }

  request(id: number): StoredRequest | undefined {
    return this.requestById.get(id);
  }

  organization(id: number): StoredOrganization | undefined {
    return this.organizationById.get(id);
  }

  requestsOf(order: StoredOrder): StoredRequest[] {
    return order.requestIds.flatMap((id) => {
      const request = this.requestById.get(id);
      return request ? [request] : [];
    });
  }

  /** The order's original request (the one created with the order). */
  newRequestOf(order: StoredOrder): StoredRequest | undefined {
    return this.requestsOf(order).find((request) => request.type === "new_request");
  }

  /** DigiCert accepts the primary certificate's thumbprint or serial number in place of an order id. */
  orderByCertificateHex(hex: string): StoredOrder | undefined {
    const wanted = hex.toUpperCase();
    return this.orders().find(
      (order) => order.certificate?.thumbprint === wanted || order.certificate?.serialNumber === wanted,
    );
  }

  orderByCertificateId(certificateId: number): StoredOrder | undefined {
    return this.orders().find((order) => order.certificate?.id === certificateId);
  }

  /** Any certificate the emulator created: an order's current one, one replaced by a reissue, or a reissue's. */
  certificateById(certificateId: number): { order: StoredOrder; certificate: StoredCertificate } | undefined {
    for (const order of this.orders()) {
      const all = [
        ...(order.certificate ? [order.certificate] : []),
        ...order.previousCertificates,
        ...order.reissues.map((reissue) => reissue.certificate),
      ];
      const certificate = all.find((candidate) => candidate.id === certificateId);
      if (certificate) return { order, certificate };
    }
    return undefined;
  }

  ordersByAlternativeId(alternativeOrderId: string): StoredOrder[] {
    return this.orders().filter((order) => order.placement.alternativeOrderId === alternativeOrderId);
  }
}
