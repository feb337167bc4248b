import { debuglog } from "util";

/**
 * Node's own debug log (`NODE_DEBUG`) prints the options of each HTTP request it makes, headers included, so
 * `X-DC-DEVKEY` (the API key) lands on the provider host's stderr, which Pulumi shows and may keep in logs. Node reads
 * `NODE_DEBUG` once, at start-up, and nothing can silence it afterwards. So no request carrying the key is sent while
 * any section an HTTP request passes through is being logged.
 *
 * Which sections are logged is asked of Node itself (`util.debuglog(section).enabled` answers from the value Node read
 * at start-up, wildcards and case included, even if `process.env.NODE_DEBUG` changed since): what Node logs, not a
 * re-implementation of how it parses the variable. `env` adds a value of the caller's (the provider's injected
 * environment), parsed as Node does.
 */
const SECTIONS_AN_HTTP_REQUEST_PASSES = ["http", "https", "net", "tls", "http2"] as const;

export function keyPrintingDebugSections(env?: NodeJS.ProcessEnv): string[] {
  const injected = sectionsMatching(env?.NODE_DEBUG);
  return SECTIONS_AN_HTTP_REQUEST_PASSES.filter((section) => debuglog(section).enabled || injected(section));
}

/** Node's own matching of NODE_DEBUG (lib/internal/util/debuglog.js): comma-separated, `*` wildcards, any case. */
function sectionsMatching(value: string | undefined): (section: string) => boolean {
  if (!value) return () => false;
  const pattern = value
    .replace(/[|\\{}()[\]^$+?.]/g, "\\$&")
    .replaceAll("*", ".*")
    .replaceAll(",", "$|^");
  const regex = new RegExp(`^${pattern}$`, "i");
  return (section) => regex.test(section);
}

export function debugLogRefusal(sections: readonly string[], env?: NodeJS.ProcessEnv): string {
  const value = env?.NODE_DEBUG ?? process.env.NODE_DEBUG;
  return (
    `NODE_DEBUG${value === undefined ? "" : `=${value}`} is set: Node.js's own debug log of ${sections.join(", ")} ` +
    "prints every HTTP request's headers, the DigiCert API key (X-DC-DEVKEY) among them, to the provider's output, " +
    "which Pulumi shows and may keep in logs. No request was sent to DigiCert. Unset NODE_DEBUG (or leave http, " +
    "https, net, tls and http2 out of it) and run again; preview works either way."
  );
}
