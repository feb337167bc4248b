/**
 * The HTTP control plane under /__emulator (no auth, not recorded, not rate limited), so a CLI-driven demo can
 * drive the emulator the way tests do through the `Emulator` object.
 */
import {
  AutoProgressControlBody,
  FaultRuleControlBody,
  IdFromPathSegment,
  IssueControlBody,
  StatusControlBody,
} from "./codecs";
import { decodeOrThrow, decodeOrUndefined } from "./decoding";
import { badRequestFormat, orderNotFound } from "./errors";
import { Answer, dispatch, route, Route, RouteCall } from "./router";
import { EmulatorRuntime } from "./runtime";

export const CONTROL_PREFIX = "/__emulator";

type ControlCall = RouteCall<EmulatorRuntime>;

function jsonBody(call: ControlCall): unknown {
  if (call.body.kind === "malformed") throw badRequestFormat("the body is not valid JSON.");
  return call.body.kind === "json" ? call.body.value : {};
}

function orderIdParam(call: ControlCall): number {
  const id = decodeOrUndefined(IdFromPathSegment, call.params[0]);
  if (id === undefined) throw orderNotFound();
  return id;
}

/** Runs an order action and answers the order's inspection view. */
function orderAction(action: (runtime: EmulatorRuntime, id: number, call: ControlCall) => void) {
  return (call: ControlCall): Answer => {
    const id = orderIdParam(call);
    action(call.context, id, call);
    return { status: 200, body: call.context.order(id) };
  };
}

const CONTROL_ROUTES: readonly Route<EmulatorRuntime>[] = [
  route("GET", "/orders", (call) => ({ status: 200, body: call.context.orders() })),
  route("GET", "/orders/:id", (call) => {
    const order = call.context.order(orderIdParam(call));
    if (!order) throw orderNotFound();
    return { status: 200, body: order };
  }),
  route(
    "POST",
    "/orders/:id/approve",
    orderAction((runtime, id) => runtime.approve(id)),
  ),
  route(
    "POST",
    "/orders/:id/issue",
    orderAction((runtime, id, call) => runtime.issue(id, decodeOrThrow(IssueControlBody, jsonBody(call)))),
  ),
  route(
    "POST",
    "/orders/:id/reject",
    orderAction((runtime, id) => runtime.reject(id)),
  ),
  route(
    "POST",
    "/orders/:id/reissue/issue",
    orderAction((runtime, id, call) =>
      runtime.issueReissue(id, decodeOrThrow(IssueControlBody, jsonBody(call))),
    ),
  ),
  route(
    "POST",
    "/orders/:id/reissue/reject",
    orderAction((runtime, id) => runtime.rejectReissue(id)),
  ),
  route(
    "POST",
    "/orders/:id/status",
    orderAction((runtime, id, call) =>
      runtime.setStatus(id, decodeOrThrow(StatusControlBody, jsonBody(call)).status),
    ),
  ),
  // Over HTTP (a demo's terminal, a curl) the key is masked; tests in-process can still see what was sent.
  route("GET", "/requests", (call) => ({
    status: 200,
    body: call.context.requests().map((r) => ({
      ...r,
      headers: {
        ...r.headers,
        ...(r.headers["x-dc-devkey"] === undefined ? {} : { "x-dc-devkey": "[redacted]" }),
      },
    })),
  })),
  route("GET", "/ca", (call) => ({ status: 200, body: call.context.certificateAuthorities() })),
  route("DELETE", "/requests", (call) => {
    call.context.clearRequests();
    return { status: 204 };
  }),
  route("POST", "/faults", (call) => {
    call.context.injectFault(decodeOrThrow(FaultRuleControlBody, jsonBody(call)));
    return { status: 204 };
  }),
  route("POST", "/reset", (call) => {
    call.context.reset();
    return { status: 204 };
  }),
  route("POST", "/auto-progress", (call) => {
    call.context.setAutoProgress(decodeOrThrow(AutoProgressControlBody, jsonBody(call)).mode);
    return { status: 204 };
  }),
];

/** "METHOD /__emulator/path" for every control route, for listings such as the CLI banner. */
export function controlEndpoints(): string[] {
  return CONTROL_ROUTES.map((r) => `${r.method} ${CONTROL_PREFIX}${r.template ?? ""}`);
}

/** Answers a control call; `path` is the part after /__emulator. Throws ApiError for error answers. */
export function handleControlCall(call: Omit<ControlCall, "params">): Answer {
  return dispatch(CONTROL_ROUTES, call);
}
