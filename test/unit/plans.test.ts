import { expect } from "chai";
import { OrderInfoResponse } from "../../provider/client/answers";
import { Declaration, decodeDeclaration } from "../../provider/core/declaration";
import { alternativeOrderIdAfter } from "../../provider/core/identity";
import { OrderState } from "../../provider/core/mapping";
import { HistoryOrder, OrderHistory } from "../../provider/core/orderHistory";
import {
  ChangeFacts,
  CLOCK_SKEW_MARGIN_MS,
  DeleteFacts,
  judgeAdoption,
  OrderNow,
  UnansweredFacts,
  planAfterUnanswered,
  planChange,
  planCreate,
  planDelete,
  planReissue,
  Predecessor,
  ReissueFacts,
  refreshState,
} from "../../provider/core/plans";
import { ovHsmInputs, SAMPLE_CSR } from "../fixtures/digicertExample";

/**
 * The README's rules ("Never ordering twice", "Importing", "Revocation") as rows: what is declared, what DigiCert
 * lists, what Diff remembered → the action. No emulator, no HTTP, no clock.
 */
const declared = decodeDeclaration(ovHsmInputs("codesigning/dev/plans"));
const own = decodeDeclaration({
  ...ovHsmInputs("codesigning/dev/plans"),
  alternativeOrderId: "release-2026",
});
const importing = (orderId: number) =>
  decodeDeclaration({ ...ovHsmInputs("codesigning/dev/plans"), existingOrderId: orderId });

const firstId = alternativeOrderIdAfter(declared.identity, undefined);
const order = (orderId: number, status: string, alternativeOrderId = firstId): HistoryOrder => ({
  orderId,
  status,
  alternativeOrderId,
});
const history = (d: Declaration, orders: HistoryOrder[], after?: number): OrderHistory => ({
  identity: d.identity,
  after,
  orders,
});

interface CreateRow {
  readonly rule: string;
  readonly declaration: Declaration;
  readonly orders: HistoryOrder[];
  readonly after?: number;
  readonly predecessor?: Predecessor;
  /** Orders other resources of this process hold. */
  readonly held?: number[];
  readonly expected: Record<string, unknown>;
}

const createRows: CreateRow[] = [
  {
    rule: "a new resource with no order at DigiCert places its first order under the derived ID",
    declaration: declared,
    orders: [],
    expected: { kind: "place", alternativeOrderId: firstId, predecessorOrderId: undefined },
  },
  {
    rule: "a lost answer (no Diff): a live order not issued yet under this resource's ID is adopted, not paid twice",
    declaration: declared,
    orders: [order(7, "needs_approval")],
    expected: { kind: "adopt", orderId: 7, scope: "found", onWaitFailure: "leave-out" },
  },
  {
    rule: "an issued order under this resource's derived ID (destroy then up, or the adopting run lost): adopted",
    declaration: declared,
    orders: [order(7, "issued")],
    expected: { kind: "adopt", orderId: 7, scope: "found", onWaitFailure: "leave-out" },
  },
  {
    rule: "any live status under the derived ID is this resource's (a pending, or an unknown new status): adopted",
    declaration: declared,
    orders: [order(7, "reissue_pending")],
    expected: { kind: "adopt", orderId: 7, scope: "found" },
  },
  {
    rule: "after a replacement the chain's newest live order is adopted, not its predecessor left to expire",
    declaration: declared,
    orders: [order(9, "issued", alternativeOrderIdAfter(declared.identity, 7)), order(7, "issued")],
    expected: { kind: "adopt", orderId: 9, scope: "found" },
  },
  {
    rule: "the chain's newest order is dead (revoked after destroy): a new order, never the older live one",
    declaration: declared,
    orders: [order(9, "revoked", alternativeOrderIdAfter(declared.identity, 7)), order(7, "issued")],
    expected: { kind: "place", alternativeOrderId: alternativeOrderIdAfter(declared.identity, 9) },
  },
  {
    rule: "two live orders carry the same derived ID (two lost answers?): refused, naming both",
    declaration: declared,
    orders: [order(8, "issued"), order(7, "needs_approval")],
    expected: { kind: "refuse" },
  },
  {
    rule: "an issued order under the user's own ID, without a Diff: refused (it may be another resource's)",
    declaration: own,
    orders: [order(7, "issued", "release-2026")],
    expected: { kind: "refuse" },
  },
  {
    rule: "the user's own ID on a live order, without a Diff: refused (it may be another resource's)",
    declaration: own,
    orders: [order(7, "needs_approval", "release-2026")],
    expected: { kind: "refuse" },
  },
  {
    rule: "only dead orders carry the resource's IDs: the next generation is placed after the latest",
    declaration: declared,
    orders: [order(7, "rejected")],
    expected: {
      kind: "place",
      alternativeOrderId: alternativeOrderIdAfter(declared.identity, 7),
      predecessorOrderId: 7,
    },
  },
  {
    rule: "a replacement Diff planned: the successor is placed under the ID derived from the predecessor",
    declaration: declared,
    orders: [],
    after: 7,
    predecessor: { orderId: 7, reason: "definition" },
    expected: {
      kind: "place",
      alternativeOrderId: alternativeOrderIdAfter(declared.identity, 7),
      predecessorOrderId: 7,
      renewalOf: undefined,
    },
  },
  {
    rule: "a renewal links the new order to the old one (renewal_of_order_id)",
    declaration: declared,
    orders: [],
    after: 7,
    predecessor: { orderId: 7, reason: "renewal" },
    expected: { kind: "place", predecessorOrderId: 7, renewalOf: 7 },
  },
  {
    rule: "a replacement the engine decided (replaceOnChanges) is a new order too, not linked as a renewal",
    declaration: declared,
    orders: [],
    after: 7,
    predecessor: { orderId: 7, reason: "engine" },
    expected: { kind: "place", predecessorOrderId: 7, renewalOf: undefined },
  },
  {
    rule: "a replacement whose earlier run lost its answer adopts that newer live order (own ID shared by both)",
    declaration: own,
    orders: [order(9, "needs_approval", "release-2026")],
    after: 7,
    predecessor: { orderId: 7, reason: "definition" },
    expected: { kind: "adopt", orderId: 9, scope: "found", onWaitFailure: "record" },
  },
  {
    rule: "a replacement after a drift (the order died) places a new order",
    declaration: declared,
    orders: [],
    after: 7,
    predecessor: { orderId: 7, reason: "terminal" },
    expected: { kind: "place", predecessorOrderId: 7 },
  },
  {
    rule: "the user's own ID on a live order another resource of this process holds: placed, not refused or adopted",
    declaration: own,
    orders: [order(7, "needs_approval", "release-2026")],
    held: [7],
    expected: { kind: "place", alternativeOrderId: "release-2026", predecessorOrderId: undefined },
  },
  {
    rule: "a replacement never adopts a newer order another resource of this process holds under the shared ID",
    declaration: own,
    orders: [order(9, "needs_approval", "release-2026")],
    after: 7,
    predecessor: { orderId: 7, reason: "definition" },
    held: [9],
    expected: { kind: "place", predecessorOrderId: 7 },
  },
  {
    rule: "import: existingOrderId with no successor adopts the named order, placing none",
    declaration: importing(5),
    orders: [],
    after: 5,
    expected: { kind: "adopt", orderId: 5, scope: "named", onWaitFailure: "leave-out" },
  },
  {
    rule: "import: the latest live successor (a renewal since the import) is adopted, never the imported order again",
    declaration: importing(5),
    orders: [order(11, "issued"), order(8, "rejected")],
    after: 5,
    expected: { kind: "adopt", orderId: 11, scope: "found" },
  },
  {
    rule: "import through a Diff (existingOrderId set on a resource in state): adopted; a failed wait is partial",
    declaration: importing(5),
    orders: [],
    after: 5,
    predecessor: { orderId: 3, reason: "import" },
    expected: { kind: "adopt", orderId: 5, scope: "named", onWaitFailure: "record" },
  },
];

describe("planCreate: one row per rule", () => {
  for (const row of createRows) {
    it(row.rule, () => {
      const plan = planCreate(
        row.declaration,
        history(row.declaration, row.orders, row.after),
        row.predecessor,
        new Set(row.held ?? []),
      );
      expect(plan).to.deep.include(row.expected);
      expect(plan.reason).to.be.a("string").and.not.equal("");
    });
  }

  it("a refusal names the order and says how to keep it or order anew", () => {
    const plan = planCreate(own, history(own, [order(7, "issued", "release-2026")]));
    expect(plan.reason).to.match(
      /^Order 7 \(issued\) already carries your alternative order ID release-2026/,
    );
    expect(plan.reason).to.match(/set existingOrderId: 7; to order anew, set a new alternativeOrderId/);
  });

  it("an adoption says so in one line: the order, its status, and that no new order is placed", () => {
    const plan = planCreate(declared, history(declared, [order(7, "issued")]));
    expect(plan.reason).to.match(
      /^found live order 7 \(issued\) with alternative order ID pcs\w+: adopting it, not ordering again$/,
    );
  });
});

const info = (fields: Partial<OrderInfoResponse> = {}): OrderInfoResponse => ({
  id: 5,
  status: "issued",
  product: { name_id: "code_signing" },
  organization: { id: 123456 },
  ...fields,
});

describe("judgeAdoption: an order is adopted only if it is what is declared", () => {
  const named = { orderId: 5, scope: "named" as const, outputs: {} };
  const found = { orderId: 5, scope: "found" as const, outputs: { assignedAlternativeOrderId: firstId } };
  const rows: [string, typeof named | typeof found, OrderInfoResponse | undefined, RegExp | "adopt"][] = [
    ["import of an order DigiCert does not know", named, undefined, /was not found at DigiCert/],
    ["import of a dead order", named, info({ status: "revoked" }), /is revoked: there is nothing to adopt/],
    [
      "import of another product",
      named,
      info({ product: { name_id: "code_signing_ev" } }),
      /not code_signing$/,
    ],
    [
      "import of another organization",
      named,
      info({ organization: { id: 99 } }),
      /not organization.id 123456/,
    ],
    ["import of a matching live order", named, info(), "adopt"],
    [
      "an order found by ID with another CSR",
      found,
      info({ certificate: { csr: SAMPLE_CSR.replace("MIIB", "MIIC") } }),
      /differs from the declaration in certificate\.csr/,
    ],
    ["an order found by ID that matches", found, info({ certificate: { csr: SAMPLE_CSR } }), "adopt"],
  ];
  for (const [rule, candidate, answer, expected] of rows) {
    it(rule, () => {
      const verdict = judgeAdoption(declared, candidate, answer);
      if (expected === "adopt") expect(verdict.kind).to.equal("adopt");
      else expect(verdict).to.have.property("reason").that.matches(expected);
    });
  }
});

const STARTED = Date.UTC(2026, 2, 2, 16, 20, 0);
const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");
const ownInfo = (id: number, fields: Partial<OrderInfoResponse> = {}) =>
  info({ id, status: "needs_approval", date_created: at(STARTED + 2000), ...fields });
const lost = (fields: Partial<UnansweredFacts>): UnansweredFacts => ({
  listed: [],
  listedBefore: new Set(),
  heldElsewhere: new Set(),
  startedAt: STARTED,
  ...fields,
});
const listedOwn = (...ids: number[]) => ids.map((id) => order(id, "needs_approval", "release-2026"));

describe("planAfterUnanswered: only an order this create can have placed is taken", () => {
  const rows: [string, Declaration, UnansweredFacts, Record<string, unknown>][] = [
    ["nothing listed: none", own, lost({}), { kind: "none" }],
    [
      "a candidate is read first (its creation time and fields)",
      own,
      lost({ listed: listedOwn(9) }),
      { kind: "need-info", orderIds: [9] },
    ],
    [
      "one order placed since the create began that matches: adopted",
      own,
      lost({ listed: listedOwn(9), infos: new Map([[9, ownInfo(9)]]) }),
      { kind: "adopt", orderId: 9 },
    ],
    [
      "an order another resource of this process holds is never taken",
      own,
      lost({ listed: listedOwn(9), heldElsewhere: new Set([9]) }),
      { kind: "none" },
    ],
    [
      "an order the look-up before the POST listed is not this POST's",
      own,
      lost({ listed: listedOwn(9), listedBefore: new Set([9]) }),
      { kind: "none" },
    ],
    [
      "an order DigiCert dates before the create began, beyond the clock-skew margin, is not this create's",
      own,
      lost({
        listed: listedOwn(9),
        infos: new Map([[9, ownInfo(9, { date_created: at(STARTED - CLOCK_SKEW_MARGIN_MS - 1000) })]]),
      }),
      { kind: "none" },
    ],
    [
      "within the clock-skew margin it still may be",
      own,
      lost({
        listed: listedOwn(9),
        infos: new Map([[9, ownInfo(9, { date_created: at(STARTED - CLOCK_SKEW_MARGIN_MS + 1000) })]]),
      }),
      { kind: "adopt", orderId: 9 },
    ],
    [
      "a creation time without a zone offset is not judged (it could be Mountain Time)",
      own,
      lost({
        listed: listedOwn(9),
        infos: new Map([[9, ownInfo(9, { date_created: "2020-01-01 00:00:00" })]]),
      }),
      { kind: "adopt", orderId: 9 },
    ],
    [
      "under the user's own ID, an order whose fields differ from the declaration is another's",
      own,
      lost({
        listed: listedOwn(9),
        infos: new Map([[9, ownInfo(9, { product: { name_id: "code_signing_ev" } })]]),
      }),
      { kind: "none" },
    ],
    [
      "under a derived ID a differing order is still this resource's (judgeAdoption then refuses it)",
      declared,
      lost({
        listed: [order(9, "needs_approval")],
        infos: new Map([[9, ownInfo(9, { product: { name_id: "code_signing_ev" } })]]),
      }),
      { kind: "adopt", orderId: 9 },
    ],
    [
      "two orders that both may be this create's: ambiguous, named, neither adopted",
      own,
      lost({
        listed: listedOwn(9, 8),
        infos: new Map([
          [9, ownInfo(9)],
          [8, ownInfo(8)],
        ]),
      }),
      { kind: "ambiguous", orderIds: [9, 8] },
    ],
    [
      "an order DigiCert no longer finds is not taken",
      own,
      lost({ listed: listedOwn(9), infos: new Map([[9, undefined]]) }),
      { kind: "none" },
    ],
  ];
  for (const [rule, declaration, given, expected] of rows) {
    it(rule, () => {
      expect(planAfterUnanswered(declaration, given)).to.deep.include(expected);
    });
  }
});

const NOW = Date.UTC(2026, 10, 28);
const state = (status: string, fields: Partial<OrderState> = {}): OrderState => ({
  orderId: 5,
  status,
  requests: [],
  ...fields,
});
const facts = (fields: Partial<DeleteFacts>): DeleteFacts => ({
  orderId: 5,
  onDelete: "cancel",
  adoptedByReplacement: false,
  beingReplaced: false,
  now: NOW,
  identity: "derived",
  ...fields,
});
const none: OrderHistory = { orders: [] };
const issuedOrder = state("issued", { validTill: "2027-06-09" });

describe("planDelete: one row per rule", () => {
  const rows: [string, DeleteFacts, Record<string, unknown>][] = [
    ["onDelete retain makes no call", facts({ onDelete: "retain" }), { kind: "forget" }],
    [
      "an order the replacement adopted (pulumi up --replace) is kept",
      facts({ adoptedByReplacement: true }),
      { kind: "forget" },
    ],
    ["otherwise the order's state is needed first", facts({}), { kind: "need", fact: "order" }],
    ["an order already gone is success", facts({ order: "gone" }), { kind: "forget" }],
    ["an order already canceled is success", facts({ order: state("canceled") }), { kind: "forget" }],
    [
      "an order awaiting approval is canceled by rejecting its request",
      facts({ order: state("needs_approval", { requests: [{ id: 77, status: "pending" }] }) }),
      { kind: "reject", requestId: 77 },
    ],
    ["a pending order is canceled", facts({ order: state("pending") }), { kind: "cancel" }],
    [
      "onDelete revoke cancels an order not issued yet",
      facts({ onDelete: "revoke", order: state("pending") }),
      { kind: "cancel" },
    ],
    [
      "onDelete cancel leaves an issued order with DigiCert",
      facts({ order: issuedOrder }),
      { kind: "forget" },
    ],
    [
      "an expired certificate is not revoked",
      facts({ onDelete: "revoke", order: state("issued", { validTill: "2026-11-20" }) }),
      { kind: "forget" },
    ],
    [
      "an order whose resource is being replaced in this deployment is not revoked",
      facts({ onDelete: "revoke", order: issuedOrder, beingReplaced: true }),
      { kind: "forget" },
    ],
    [
      "before revoking, the order's successors at DigiCert are needed",
      facts({ onDelete: "revoke", order: issuedOrder }),
      { kind: "need", fact: "successors" },
    ],
    [
      "an order succeeded by a newer one (even a rejected one) is not revoked",
      facts({ onDelete: "revoke", order: issuedOrder, successors: { orders: [order(9, "rejected")] } }),
      { kind: "forget" },
    ],
    [
      "pulumi destroy with onDelete revoke revokes an issued certificate",
      facts({ onDelete: "revoke", order: issuedOrder, successors: none }),
      { kind: "revoke", cancelReissueFirst: false },
    ],
    [
      "a pending reissue is canceled before the revocation",
      facts({ onDelete: "revoke", order: state("reissue_pending"), successors: none }),
      { kind: "revoke", cancelReissueFirst: true },
    ],
  ];
  for (const [rule, given, expected] of rows) {
    it(rule, () => {
      expect(planDelete(given)).to.deep.include(expected);
    });
  }

  it("says why it keeps a renewed certificate", () => {
    const plan = planDelete(
      facts({ onDelete: "revoke", order: issuedOrder, successors: { orders: [order(9, "issued")] } }),
    );
    expect(plan)
      .to.have.property("reason")
      .that.matches(/was succeeded by order 9: its certificate is left to expire/);
  });

  it("an order left at DigiCert says what the next pulumi up does: adopt it (derived ID) or how to keep it (own ID, imported)", () => {
    expect(planDelete(facts({ order: issuedOrder })))
      .to.have.property("reason")
      .that.matches(
        /left with DigiCert .*The next `pulumi up` of this resource adopts it again .*\(no new order\)/,
      );
    expect(planDelete(facts({ onDelete: "retain", identity: "own" })))
      .to.have.property("reason")
      .that.matches(/retained at DigiCert .*set existingOrderId: 5/);
    // An imported order carries no ID of this resource: the next up would place a new one.
    expect(planDelete(facts({ order: issuedOrder, identity: "unmarked" })))
      .to.have.property("reason")
      .that.matches(/set existingOrderId: 5 .*without it the next `pulumi up` places a new order/);
  });
});

const csrB = SAMPLE_CSR.replace("MIIB", "MIIC");
const record = (status: string, fields: Record<string, unknown> = {}) => ({
  status,
  requested: {
    certificate: { csr: csrB, serverPlatform: { id: -1 } },
    csProvisioningMethod: "email" as const,
  },
  requestId: 31,
  replacesCertificateId: 900,
  ...fields,
});
const change = (fields: Partial<ChangeFacts>): ChangeFacts => ({
  orderId: 5,
  status: "issued",
  validTill: "2027-06-09",
  replacing: [],
  reissuable: [],
  asksRecordedReissue: false,
  now: NOW,
  ...fields,
});

describe("planChange: reissue, don't repurchase (one row per rule)", () => {
  const rows: [string, ChangeFacts, Record<string, unknown>, RegExp?][] = [
    ["nothing changed, nothing due: keep", change({}), { kind: "keep" }],
    [
      "a new CSR on an issued order: one reissue, no new order",
      change({ reissuable: ["certificate.csr"] }),
      { kind: "reissue", reason: "definition" },
      /^certificate\.csr changed: reissue of order 5 \(no new order\)$/,
    ],
    [
      "another provisioning method on an issued order: a reissue too",
      change({ reissuable: ["csProvisioningMethod"] }),
      { kind: "reissue" },
    ],
    [
      "a new CSR on an order not issued yet: a new order (the pending one is canceled as today)",
      change({ status: "pending", reissuable: ["certificate.csr"] }),
      { kind: "replace", reason: "definition" },
      /new order \(the current one is not issued yet: order 5 is pending\)/,
    ],
    [
      "a new CSR on an issued order whose certificate expired: a new order",
      change({ validTill: "2026-11-01", reissuable: ["certificate.csr"] }),
      { kind: "replace", reason: "definition" },
      /^certificate\.csr changed: certificate expired \(validTill 2026-11-01\): new order; a reissue needs a certificate that has not run out$/,
    ],
    [
      "a new CSR once the order and its certificate have both run out: the expired wording, not 'not issued yet'",
      change({ validTill: "2026-11-01", orderValidTill: "2026-11-01", reissuable: ["certificate.csr"] }),
      { kind: "replace", reason: "definition" },
      /certificate expired \(validTill 2026-11-01\): new order/,
    ],
    [
      "a change a reissue cannot carry (orderValidity) with a new CSR: a new order",
      change({ replacing: ["orderValidity"], reissuable: ["certificate.csr"] }),
      { kind: "replace", reason: "definition" },
    ],
    [
      "the reissue asked for is pending already: nothing to send",
      change({
        status: "reissue_pending",
        reissuable: ["certificate.csr"],
        reissue: record("pending"),
        asksRecordedReissue: true,
      }),
      { kind: "await-reissue" },
      /request 31\) is pending at DigiCert: nothing to send/,
    ],
    [
      "another CSR while a reissue is pending: refused in preview, naming the property",
      change({ status: "reissue_pending", reissuable: ["certificate.csr"], reissue: record("pending") }),
      { kind: "refuse", property: "certificate.csr" },
    ],
    [
      "a CSR not known yet in preview while a reissue is pending: not refused, judged again at up",
      change({
        status: "reissue_pending",
        reissuable: ["certificate.csr"],
        reissue: record("pending"),
        asksRecordedReissue: "unknown",
      }),
      { kind: "await-reissue" },
    ],
    [
      "a reissue pending that Pulumi did not request: a change is refused",
      change({ status: "reissue_pending", reissuable: ["certificate.csr"] }),
      { kind: "refuse", property: "certificate.csr" },
    ],
    [
      "a reissue DigiCert rejected: the change is still there, and is requested again",
      change({ reissuable: ["certificate.csr"], reissue: record("rejected") }),
      { kind: "reissue", reason: "definition" },
      /the earlier reissue \(request 31\) was rejected at DigiCert, so it is requested again/,
    ],
    [
      "renewal due inside a multi-year order: renewal by reissue (free)",
      change({ renewBeforeDays: 30, validTill: "2026-12-10", orderValidTill: "2028-06-01" }),
      { kind: "reissue", reason: "renewal" },
      /within renewBeforeDays \(30\); order 5 itself runs till 2028-06-01: renewal by reissue of order 5 \(no new order\)/,
    ],
    [
      "renewal due when the order itself runs out: a new paid order (renewal_of_order_id)",
      change({ renewBeforeDays: 30, validTill: "2026-12-10", orderValidTill: "2026-12-20" }),
      { kind: "replace", reason: "renewal" },
      /a renewal order \(a new paid order\) will be placed \(order 5 itself runs out 2026-12-20\)/,
    ],
    [
      "renewal due, the order's own end unknown (older state): a new order, as before",
      change({ renewBeforeDays: 30, validTill: "2026-12-10" }),
      { kind: "replace", reason: "renewal" },
    ],
    [
      "an order running past the certificate, but itself within renewBeforeDays: a new order (a reissue would be due at once)",
      change({ renewBeforeDays: 30, validTill: "2026-12-10", orderValidTill: "2026-12-25" }),
      { kind: "replace", reason: "renewal" },
    ],
    [
      "a new CSR when a renewal is due and the order runs out: the renewal order carries it",
      change({
        reissuable: ["certificate.csr"],
        renewBeforeDays: 30,
        validTill: "2026-12-10",
        orderValidTill: "2026-12-20",
      }),
      { kind: "replace", reason: "renewal" },
    ],
    [
      "renewal due while a reissue is pending (the order kept issued): keep, no second reissue",
      change({
        renewBeforeDays: 30,
        validTill: "2026-12-10",
        orderValidTill: "2028-06-01",
        reissue: record("pending"),
      }),
      { kind: "keep" },
    ],
    [
      "not due yet: keep",
      change({ renewBeforeDays: 30, validTill: "2027-06-09", orderValidTill: "2028-06-01" }),
      { kind: "keep" },
    ],
  ];
  for (const [rule, given, expected, explained] of rows) {
    it(rule, () => {
      const plan = planChange(given);
      expect(plan).to.deep.include(expected);
      if (explained)
        expect(plan)
          .to.have.property(plan.kind === "refuse" ? "reason" : "explanation")
          .that.matches(explained);
    });
  }
});

const live = (fields: Partial<OrderNow>): OrderNow => ({
  status: "issued",
  certificateId: 900,
  requests: [],
  ...fields,
});
const reissueFacts = (order: OrderNow | "gone"): ReissueFacts => ({
  orderId: 5,
  certificateId: 900,
  knownRequestIds: [30],
  requestedCsr: "NEW",
  currentCsr: "OLD",
  order,
});

describe("planReissue: a reissue is sent at most once", () => {
  const rows: [string, ReissueFacts, Record<string, unknown>][] = [
    [
      "an issued order with the certificate in state: send",
      reissueFacts(live({ csr: "OLD" })),
      { kind: "send", replacesCertificateId: 900 },
    ],
    [
      "a reissue pending for this CSR (an earlier answer was lost): taken, none sent",
      reissueFacts(
        live({
          status: "reissue_pending",
          csr: "NEW",
          requests: [{ id: 31, status: "pending", type: "reissue" }],
        }),
      ),
      { kind: "adopt-pending", requestId: 31, replacesCertificateId: 900 },
    ],
    [
      "a reissue pending while DigiCert still reports the current CSR: taken",
      reissueFacts(live({ status: "reissue_pending", csr: "OLD" })),
      { kind: "adopt-pending" },
    ],
    [
      "a reissue pending for a third CSR (someone in CertCentral): refused",
      reissueFacts(live({ status: "reissue_pending", csr: "OTHER" })),
      { kind: "refuse" },
    ],
    [
      "already reissued for this CSR (lost answer, issued since): taken, none sent",
      reissueFacts(live({ certificateId: 901, csr: "NEW" })),
      { kind: "adopt-issued" },
    ],
    [
      "the certificate in state (refreshed since a lost answer) already carries the declared CSR: taken, none sent",
      reissueFacts(live({ certificateId: 900, csr: "NEW" })),
      { kind: "adopt-issued" },
    ],
    [
      "reissued for another CSR meanwhile: this declaration's reissue is sent",
      reissueFacts(live({ certificateId: 901, csr: "OTHER" })),
      { kind: "send", replacesCertificateId: 901 },
    ],
    [
      "an order not issued: refused, nothing sent",
      reissueFacts(live({ status: "pending" })),
      { kind: "refuse" },
    ],
    ["an order gone: refused", reissueFacts("gone"), { kind: "refuse" }],
    [
      "an order kept issued with a reissue request open that state does not know (lost answer): taken, none sent",
      reissueFacts(live({ csr: "OLD", requests: [{ id: 31, status: "pending", type: "reissue" }] })),
      { kind: "adopt-pending", requestId: 31, replacesCertificateId: 900 },
    ],
    [
      "an issued order whose unknown reissue request was rejected: send",
      reissueFacts(live({ csr: "OLD", requests: [{ id: 31, status: "rejected", type: "reissue" }] })),
      { kind: "send" },
    ],
  ];
  for (const [rule, given, expected] of rows) {
    it(rule, () => {
      expect(planReissue(given)).to.deep.include(expected);
    });
  }
});

describe("refreshState: what a refresh records about a reissue", () => {
  const current = {
    orderId: 5,
    status: "reissue_pending",
    requests: [{ id: 31, status: "pending" }],
    certificateId: 900,
    serialNumber: "AA",
    certificatePem: "PEM-900",
    downloadedCertificateId: 900,
    reissue: record("pending"),
  };
  it("while the reissue is pending, the outputs keep the current certificate", () => {
    const { computed, applied } = refreshState(current, state("reissue_pending", { certificateId: 901 }));
    expect(computed).to.include({ status: "reissue_pending", certificateId: 900, certificatePem: "PEM-900" });
    expect(applied).to.equal(undefined);
  });
  it("once issued, the new certificate replaces it, the PEM is dropped for download, and the request is applied", () => {
    const { computed, applied } = refreshState(
      current,
      state("issued", { certificateId: 901, serialNumber: "BB" }),
    );
    expect(computed).to.include({ status: "issued", certificateId: 901, serialNumber: "BB" });
    expect(computed.certificatePem).to.equal(undefined);
    expect(computed.reissue).to.equal(undefined);
    expect(applied).to.deep.equal(record("pending").requested);
  });
  it("back at issued with the same certificate and the request rejected: the reissue is rejected", () => {
    const { computed, applied } = refreshState(
      current,
      state("issued", { certificateId: 900, requests: [{ id: 31, status: "rejected" }] }),
    );
    expect(computed.reissue).to.include({ status: "rejected" });
    expect(computed).to.include({ certificateId: 900, certificatePem: "PEM-900" });
    expect(applied).to.equal(undefined);
  });
  it("an order kept issued while its reissue request is still open: still pending", () => {
    for (const status of ["pending", "approved"]) {
      const { computed, applied } = refreshState(
        current,
        state("issued", { certificateId: 900, requests: [{ id: 31, status }] }),
      );
      expect(computed.reissue, status).to.include({ status: "pending" });
      expect(applied).to.equal(undefined);
    }
  });
  it("back at issued with the same certificate otherwise: canceled", () => {
    expect(refreshState(current, state("issued", { certificateId: 900 })).computed.reissue).to.include({
      status: "canceled",
    });
  });
  it("the hardware init code is the current certificate's: kept while pending, gone with a reissue that has none", () => {
    const onToken = { ...current, hardwareInitCode: "CODE-900" };
    const pending = refreshState(onToken, state("reissue_pending", { certificateId: 901 })).computed;
    expect(pending.hardwareInitCode).to.equal("CODE-900");
    // Reissued from client_app to email: DigiCert reports no init code for the new certificate.
    const issued = refreshState(onToken, state("issued", { certificateId: 901 })).computed;
    expect(issued.hardwareInitCode).to.equal(undefined);
    const kept = refreshState(onToken, state("issued", { certificateId: 901, hardwareInitCode: "CODE-901" }));
    expect(kept.computed.hardwareInitCode).to.equal("CODE-901");
  });
});
