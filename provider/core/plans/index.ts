/**
 * The lifecycle's decisions as pure functions: from what is declared and what DigiCert reported to a tagged action
 * with its reason. No HTTP, no clock, no process state: create.ts, reissue.ts and delete.ts carry the
 * actions out.
 * New rules (reissue, new lifecycle rules) are new action kinds or rows here.
 */
export { planCreate, historyStart, judgeAdoption } from "./createPlan";
export type { CreatePlan, AdoptionVerdict, Predecessor, ReplacementReason } from "./createPlan";
export { planDelete } from "./deletePlan";
export type { DeleteFacts, DeletePlan } from "./deletePlan";
export { declarationMismatch } from "./mismatch";
export type { MismatchScope } from "./mismatch";
export { planChange, planReissue, refreshState, requestOf, CERTIFICATE_OUTPUTS } from "./reissuePlan";
export type {
  ChangeFacts,
  ChangePlan,
  ReissueFacts,
  ReissuePlan,
  OrderNow,
  RefreshedState,
} from "./reissuePlan";
export {
  planAfterUnanswered,
  nextRunFinds,
  ambiguousOrdersMessage,
  CLOCK_SKEW_MARGIN_MS,
} from "./unansweredPlan";
export type { UnansweredFacts, UnansweredPlan } from "./unansweredPlan";
