#!/usr/bin/env bash
# npm run setup:pulumi — builds the Pulumi CLI and its Node.js, YAML and Go language hosts from the Go modules pinned
# in tools/pulumi-cli/ into .pulumi-cli/bin/ (ignored), beside the dynamic-provider launcher that @pulumi/pulumi ships.
# No binary is downloaded: only Go modules, through the Go module proxy. Skips the build when the binaries of the
# pinned versions are already there. Prints the folder to put on PATH as its last line.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOOLS="$ROOT/tools/pulumi-cli"
BIN="$ROOT/.pulumi-cli/bin"
STAMP="$BIN/.stamp"
# The CLI's own release, as `pulumi version` prints it.
CLI_VERSION="$(sed -n 's#^\s*github.com/pulumi/pulumi/pkg/v3 \(v[^ ]*\).*#\1#p' "$TOOLS/go.mod" | head -n1)"
# The language host's release: the last sdk/v3 that still held it (see tools/pulumi-cli/README.md).
LANG_VERSION="$(sed -n 's#^\s*github.com/pulumi/pulumi/sdk/v3 \(v[^ ]*\).*#\1#p' "$TOOLS/language-nodejs/go.mod" | head -n1)"
# The YAML host's own release (github.com/pulumi/pulumi-yaml), and the last sdk/v3 that held the Go host.
YAML_VERSION="$(sed -n 's#^\s*github.com/pulumi/pulumi-yaml \(v[^ ]*\).*#\1#p' "$TOOLS/language-yaml/go.mod" | head -n1)"
GO_LANG_VERSION="$(sed -n 's#^\s*github.com/pulumi/pulumi/sdk/v3 \(v[^ ]*\).*#\1#p' "$TOOLS/language-go/go.mod" | head -n1)"
LAUNCHER="$ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"

say() { printf 'setup:pulumi: %s\n' "$*" >&2; }
all_built() { for b in pulumi pulumi-language-nodejs pulumi-language-yaml pulumi-language-go; do [ -x "$BIN/$b" ] || return 1; done; }

[ -n "$CLI_VERSION" ] && [ -n "$LANG_VERSION" ] && [ -n "$YAML_VERSION" ] && [ -n "$GO_LANG_VERSION" ] || { say "cannot read the pinned versions from tools/pulumi-cli"; exit 1; }
[ -f "$LAUNCHER" ] || { say "node_modules/@pulumi/pulumi is missing: run npm ci first"; exit 1; }

# What the binaries are built from: any change to the pins (or to Go) rebuilds them. Without Go, binaries already
# built are used as they are.
if ! command -v go >/dev/null; then
  if all_built && [ -f "$STAMP" ]; then
    say "go is not installed: using the binaries already in $BIN without checking them against the pins"
    fingerprint="$(cat "$STAMP")"
  else
    say "go is not installed (Go 1.26 or later builds the CLI)"
    exit 1
  fi
else
  fingerprint="$( (for m in "$TOOLS" "$TOOLS"/language-{nodejs,yaml,go}; do cat "$m/go.mod" "$m/go.sum"; done; go version) | sha256sum | cut -c1-16)"
fi
if all_built && [ "$(cat "$STAMP" 2>/dev/null)" = "$fingerprint" ]; then
  say "pulumi $CLI_VERSION and its nodejs, yaml and go language hosts are already built"
else
  mkdir -p "$BIN"
  rm -f "$STAMP"
  # Our own modules only: a go.work in a parent folder, or the caller's GOFLAGS, must not change the build.
  export GOFLAGS="-mod=readonly -buildvcs=false" GOWORK=off
  # Progress: `go build -v` names each package as it is compiled; show a count every 200 packages.
  build() { # <module dir> <output> <version ldflags> <package>
    local dir="$1" out="$2" ldflags="$3" pkg="$4" started=$SECONDS count=0
    say "building $(basename "$out") ($pkg); a cold build takes minutes, a cached one seconds"
    (cd "$dir" && go mod download)
    rm -f "$out.tmp"
    (cd "$dir" && go build -v -ldflags "$ldflags" -o "$out.tmp" "$pkg" 2>&1 || true) | while IFS= read -r line; do
      if [[ "$line" == *": "* || "$line" == "#"* ]]; then
        printf '%s\n' "$line" >&2 # a compiler message, not a package name
      else
        count=$((count + 1))
        if ((count % 200 == 0)); then say "  $(basename "$out"): $count packages compiled ($((SECONDS - started)) s)"; fi
      fi
    done
    if [ ! -x "$out.tmp" ]; then say "building $(basename "$out") failed (see the messages above)"; exit 1; fi
    mv "$out.tmp" "$out"
    say "  $(basename "$out") built in $((SECONDS - started)) s"
  }
  build "$TOOLS" "$BIN/pulumi" "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$CLI_VERSION" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  build "$TOOLS/language-nodejs" "$BIN/pulumi-language-nodejs" "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$LANG_VERSION" \
    github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
  build "$TOOLS/language-yaml" "$BIN/pulumi-language-yaml" "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=$YAML_VERSION" \
    github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
  build "$TOOLS/language-go" "$BIN/pulumi-language-go" "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$GO_LANG_VERSION" \
    github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go
  printf '%s\n' "$fingerprint" >"$STAMP"
fi
# The dynamic-provider launcher is a shell script inside @pulumi/pulumi: the CLI looks for it beside `pulumi`.
install -m 0755 "$LAUNCHER" "$BIN/pulumi-resource-pulumi-nodejs"
# `pulumi version` writes a log under PULUMI_HOME: a throwaway one, not the user's ~/.pulumi.
home="$(mktemp -d)"
version="$(PULUMI_HOME="$home" PULUMI_SKIP_UPDATE_CHECK=true "$BIN/pulumi" version)"
rm -rf "$home"
say "$version in $BIN (put it on PATH: export PATH=\"$BIN:\$PATH\")"
printf '%s\n' "$BIN"
