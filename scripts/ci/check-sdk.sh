#!/usr/bin/env bash
# CI: the committed SDKs under sdk/{go,python} are what schema.json generates today (npm run gen:sdk), and
# the Go SDK compiles against the sdk/v3 pinned in sdk/go/go.mod.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
bash "$ROOT/scripts/gen-sdk.sh" "$tmp" 2>/dev/null
stale=0
for language in go python; do
  if ! diff -r -x go.mod -x go.sum "$tmp/$language" "$ROOT/sdk/$language"; then stale=1; fi
done
if [ "$stale" = 1 ]; then
  echo "check-sdk: the SDKs under sdk/ are stale: run npm run gen:sdk and commit the result" >&2
  exit 1
fi
(cd "$ROOT/sdk/go" && GOWORK=off GOFLAGS="-mod=readonly -buildvcs=false" go vet ./...)
echo "check-sdk: sdk/go and sdk/python match schema.json; the Go SDK compiles" >&2
