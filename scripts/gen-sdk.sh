#!/usr/bin/env bash
# npm run gen:sdk [-- <output folder>] — writes the provider's Go and Python SDKs from schema.json with
# tools/sdkgen (pkg/v3's code generators), into sdk/go and sdk/python by default (no Node.js SDK:
# a generated package.json under sdk/ would be read by the Node.js language host as a plugin of version ${VERSION}). The hand-written
# sdk/go/go.mod and go.sum are kept. CI runs it into a temporary folder and compares (scripts/ci/check-sdk.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$ROOT/sdk}"
command -v go >/dev/null || { echo "gen:sdk: go is not installed (Go 1.26 or later builds tools/sdkgen)" >&2; exit 1; }
export GOFLAGS="-mod=readonly -buildvcs=false" GOWORK=off
mkdir -p "$ROOT/.pulumi-cli/bin"
(cd "$ROOT/tools/sdkgen" && go build -o "$ROOT/.pulumi-cli/bin/sdkgen" .)
"$ROOT/.pulumi-cli/bin/sdkgen" "$ROOT/schema.json" "$OUT"
