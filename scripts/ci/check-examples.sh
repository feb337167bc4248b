#!/usr/bin/env bash
# Compiles each example a user can copy (examples/index.json: examples and policy packs) with its own tsconfig.json,
# against this checkout's build: `pulumi-digicert-code-signing` resolves through node_modules/pulumi-digicert-code-signing
# (the link `npm ci` makes) to dist/, exactly as an installed package would; @pulumi/pulumi and @pulumi/policy come
# from the checkout's node_modules. Run `npm run build` (or `npm test`) first. The previews under mocks are in
# test/program/examples.test.ts (part of npm test).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -f dist/sdk/index.d.ts ]; then
  echo "dist/ is missing: run npm run build first" >&2
  exit 1
fi
folders="$(node -p 'const i = require("./examples/index.json"); [...i.examples, ...i.policyPacks].map((e) => e.folder).join("\n")')"
for folder in $folders; do
  start=$(date +%s)
  node node_modules/typescript/bin/tsc -p "$folder/tsconfig.json" --noEmit
  echo "compiled $folder ($(($(date +%s) - start)) s)"
done
