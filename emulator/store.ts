/**
 * The emulator's data: orders, requests, certificates and organizations, their id counters, and look-ups.
 * State transitions live in `lifecycle.ts`; this module only holds and finds things.
 */
import { InlineOrganization, ValidatedPlacement } from "./validation";
import { CodeSigningProduct } from "./types";

/** Distinct bases so an id of one kind is never mistaken for another in tests. */
export const ID_BASES = {
  order: 7_000_001,
  request: 880_001,
  certificate: 990_001,
  organization: 500_001,
} as const;

export type RequestType = "new_request" | "revoke";

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

  ordersByAlternativeId(alternativeOrderId: string): StoredOrder[] {
    return this.orders().filter((order) => order.placement.alternativeOrderId === alternativeOrderId);
  }
}
