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
import { Answer, dispatch, pathPattern, Route, RouteCall } from "./router";
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
  {
    method: "GET",
    pattern: pathPattern("/orders"),
    handle: (call) => ({ status: 200, body: call.context.orders() }),
  },
  {
    method: "GET",
    pattern: pathPattern("/orders/:id"),
    handle: (call) => {
      const order = call.context.order(orderIdParam(call));
      if (!order) throw orderNotFound();
      return { status: 200, body: order };
    },
  },
  {
    method: "POST",
    pattern: pathPattern("/orders/:id/approve"),
    handle: orderAction((runtime, id) => runtime.approve(id)),
  },
  {
    method: "POST",
    pattern: pathPattern("/orders/:id/issue"),
    handle: orderAction((runtime, id, call) =>
      runtime.issue(id, decodeOrThrow(IssueControlBody, jsonBody(call))),
    ),
  },
  {
    method: "POST",
    pattern: pathPattern("/orders/:id/reject"),
    handle: orderAction((runtime, id) => runtime.reject(id)),
  },
  {
    method: "POST",
    pattern: pathPattern("/orders/:id/status"),
    handle: orderAction((runtime, id, call) =>
      runtime.setStatus(id, decodeOrThrow(StatusControlBody, jsonBody(call)).status),
    ),
  },
  {
    method: "GET",
    pattern: pathPattern("/requests"),
    // Over HTTP (a demo's terminal, a curl) the key is masked; tests in-process can still see what was sent.
    handle: (call) => ({
      status: 200,
      body: call.context.requests().map((r) => ({
        ...r,
        headers: {
          ...r.headers,
          ...(r.headers["x-dc-devkey"] === undefined ? {} : { "x-dc-devkey": "[redacted]" }),
        },
      })),
    }),
  },
  {
    method: "DELETE",
    pattern: pathPattern("/requests"),
    handle: (call) => {
      call.context.clearRequests();
      return { status: 204 };
    },
  },
  {
    method: "POST",
    pattern: pathPattern("/faults"),
    handle: (call) => {
      call.context.injectFault(decodeOrThrow(FaultRuleControlBody, jsonBody(call)));
      return { status: 204 };
    },
  },
  {
    method: "POST",
    pattern: pathPattern("/reset"),
    handle: (call) => {
      call.context.reset();
      return { status: 204 };
    },
  },
  {
    method: "POST",
    pattern: pathPattern("/auto-progress"),
    handle: (call) => {
      call.context.setAutoProgress(decodeOrThrow(AutoProgressControlBody, jsonBody(call)).mode);
      return { status: 204 };
    },
  },
];

/** Answers a control call; `path` is the part after /__emulator. Throws ApiError for error answers. */
export function handleControlCall(call: Omit<ControlCall, "params">): Answer {
  return dispatch(CONTROL_ROUTES, call);
}
