/**
 * A minimal method + path-pattern router shared by the API and the control plane. Captured path segments are
 * handed to handlers still percent-encoded; handlers decode them with codecs.
 */
import { RawBody } from "./decoding";
import { routeNotFound } from "./errors";

export interface RouteCall<Context> {
  context: Context;
  method: string;
  path: string;
  query: Record<string, string>;
  body: RawBody;
  params: string[];
}

export interface Answer {
  status: number;
  /** Undefined for answers without a body (204). */
  body?: unknown;
  /** A non-JSON answer (e.g. a PEM download); wins over `body`. */
  text?: { contentType: string; content: string };
}

export interface Route<Context> {
  method: string;
  pattern: RegExp;
  /** The template the pattern was built from, for listings (e.g. the CLI banner). */
  template?: string;
  handle(call: RouteCall<Context>): Answer;
}

/** Builds a pattern from a template such as "/order/certificate/:id/status" (trailing slash optional). */
export function pathPattern(template: string): RegExp {
  const source = template
    .split("/")
    .map((segment) => (segment.startsWith(":") ? "([^/]+)" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${source}/?$`);
}

/** A route from a template such as "/orders/:id/approve". */
export function route<Context>(
  method: string,
  template: string,
  handle: (call: RouteCall<Context>) => Answer,
): Route<Context> {
  return { method, pattern: pathPattern(template), template, handle };
}

/** Runs the first route matching method and path; an unknown route (or method) is DigiCert's not_found|route. */
export function dispatch<Context>(
  routes: readonly Route<Context>[],
  call: Omit<RouteCall<Context>, "params">,
): Answer {
  for (const route of routes) {
    if (route.method !== call.method) continue;
    const match = route.pattern.exec(call.path);
    if (match) return route.handle({ ...call, params: match.slice(1) });
  }
  throw routeNotFound();
}
