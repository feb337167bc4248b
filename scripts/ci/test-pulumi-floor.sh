#!/usr/bin/env bash
# Runs the program tests (test/program, under pulumi.runtime.setMocks) under the oldest @pulumi/pulumi this package
# supports: the floor of its peerDependencies. 3.139.0 is the first SDK whose dynamic provider host calls
# `configure()` (how the provider reads digicert:apiKey from stack config); 3.130.0 also passes these tests, but its
# host would never hand the provider the stack's config. (The engine-protocol suite, test/engine, drives the host
# with the current protocol, Handshake included, so it does not run against older hosts.) The SDK is installed from the npm registry into .tmp/pulumi-sdk/<version> (reused while
# present), and scripts/ci/pulumiSdkRedirect resolves every `@pulumi/pulumi` there, in mocha and in its children.
#
#   scripts/ci/test-pulumi-floor.sh                      # the floor in package.json
#   PULUMI_SDK_VERSION=3.150.0 scripts/ci/test-pulumi-floor.sh
#   NODE_BIN=.tmp/node-versions/v22/node_modules/.bin/node scripts/ci/test-pulumi-floor.sh
#
# Run `npm run build` (or `npm test`) first.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"

floor="$(node -p 'require("./package.json").peerDependencies["@pulumi/pulumi"].replace(/^[^0-9]*/, "")')"
version="${PULUMI_SDK_VERSION:-$floor}"
node_bin="${NODE_BIN:-$(command -v node)}"
case "$node_bin" in /*) ;; *) node_bin="$ROOT/$node_bin" ;; esac
dir="$ROOT/.tmp/pulumi-sdk/$version"
hook="$ROOT/dist/scripts/ci/pulumiSdkRedirect.js"

if [ ! -f "$hook" ]; then
  echo "$hook is missing: run npm run build first" >&2
  exit 1
fi
if [ "$(node -p "try { require('$dir/node_modules/@pulumi/pulumi/package.json').version } catch { '' }")" != "$version" ]; then
  rm -rf "$dir"
  mkdir -p "$dir"
  echo '{ "private": true }' >"$dir/package.json"
  echo "== installing @pulumi/pulumi@$version into ${dir#"$ROOT"/}"
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "@pulumi/pulumi@$version"
fi

export PULUMI_SDK_DIR="$dir"
export NODE_OPTIONS="--require $hook${NODE_OPTIONS:+ $NODE_OPTIONS}"
export PATH="$(dirname "$node_bin"):$PATH"
resolved="$("$node_bin" -p 'require("@pulumi/pulumi/package.json").version')"
if [ "$resolved" != "$version" ]; then
  echo "the redirect did not take: @pulumi/pulumi resolves to $resolved, not $version" >&2
  exit 1
fi

echo "== program tests under @pulumi/pulumi $resolved, node $("$node_bin" --version)"
start=$(date +%s)
"$node_bin" node_modules/mocha/bin/mocha.js --no-config --timeout 20000 --exit \
  'dist/test/program/**/*.test.js'
echo "== @pulumi/pulumi $resolved: passed in $(($(date +%s) - start)) s"
