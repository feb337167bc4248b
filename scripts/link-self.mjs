// Run by npm as this checkout's `prepare` script (on `npm ci` and `npm install` in the checkout; never for users who
// install the package from the registry). It makes the checkout resolve its own package name:
//
//   node_modules/pulumi-digicert-code-signing -> ..
//
// The serialized provider (sdk/providerShell.ts) loads `pulumi-digicert-code-signing/provider` by name from the
// folder where Pulumi runs its provider host, the project folder. With this link, the root Pulumi.yaml works from
// the checkout (`pulumi preview --stack dev`) and the examples compile against the checkout's build, as they would
// against an installed package. Node's self-reference through `exports` does not help: the host's loader gives the
// module no file name. See docs/developing.md.
/* global process, console */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { name } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const modules = path.join(root, "node_modules");
const link = path.join(modules, ...name.split("/"));

// Only in a checkout with its dependencies installed; an installed copy of the package never links itself.
if (root.split(path.sep).includes("node_modules") || !fs.existsSync(modules)) process.exit(0);

let existing;
try {
  existing = fs.lstatSync(link);
} catch {
  existing = undefined;
}
if (existing?.isSymbolicLink() && fs.realpathSync(link) === fs.realpathSync(root)) process.exit(0);
if (existing && !existing.isSymbolicLink()) {
  console.warn(
    `link-self: ${path.relative(root, link)} is a real folder; leaving it (remove it to link the checkout)`,
  );
  process.exit(0);
}
if (existing) fs.unlinkSync(link);
fs.mkdirSync(path.dirname(link), { recursive: true });
// Relative, so the checkout can move; "junction" makes it work on Windows without privileges (Node makes it absolute).
fs.symlinkSync(path.relative(path.dirname(link), root) || ".", link, "junction");
console.log(`link-self: ${path.relative(root, link)} -> ${path.relative(path.dirname(link), root)}`);
