#!/usr/bin/env bash
# Makes the Pulumi engine available to this project, without the official installer (unreachable here).
#
#   1. reuse a `pulumi` on PATH when its version is at least $PULUMI_VERSION;
#   2. else reuse a CLI this script built before, from the per-user cache;
#   3. else build the pinned CLI from the Go module proxy with the machine's Go into that cache.
#
# Then it links .pulumi-engine/bin/pulumi (ignored by git) to that CLI: the root the Automation API runs.
# The dynamic-provider plugin (pulumi-resource-pulumi-nodejs, a shell shim shipped inside @pulumi/pulumi)
# is installed next to the CLI binary, where the CLI looks for it.
# The Node.js language host (pulumi-language-nodejs), which runs a project's program under a plain
# `pulumi up`, is reused from beside a full Pulumi installation, else built once from the last release of
# github.com/pulumi/pulumi/sdk/v3 that still holds it (v3.68.0; later ones moved it to a module the Go
# module proxy does not serve), and installed next to the CLI like the plugin.
#
# Idempotent; prints each step; fails with a message that names the missing piece.
set -euo pipefail

PULUMI_VERSION="${PULUMI_VERSION:-3.276.0}"    # keep equal to @pulumi/pulumi in package.json (a test checks)
LANGUAGE_HOST_SDK_VERSION="3.68.0"             # the last sdk/v3 with nodejs/cmd/pulumi-language-nodejs inside
# Non-local replace lines of github.com/pulumi/pulumi/pkg/v3's go.mod, restated: a dependency's replace
# lines are ignored, and `go install pkg@version` refuses modules that have them.
CLIPBOARD_REPLACE="github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e"

project_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_root="${PULUMI_SFC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-salesforce-certs}"
build_dir="$cache_root/pulumi-v$PULUMI_VERSION"
engine_bin="$project_dir/.pulumi-engine/bin"

say() { printf '[setup-engine] %s\n' "$*"; }
fail() { printf '[setup-engine] error: %s\n' "$*" >&2; exit 1; }

# version_at_least A B: true when dotted version A >= B.
version_at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

cli_version() { "$1" version 2>/dev/null | sed -e 's/^v//' | head -n1; }

find_cli() {
  local on_path
  if on_path="$(command -v pulumi 2>/dev/null)" && [ "$(readlink -f "$on_path")" != "$(readlink -f "$engine_bin/pulumi" 2>/dev/null)" ]; then
    local v; v="$(cli_version "$on_path")"
    if [ -n "$v" ] && version_at_least "$v" "$PULUMI_VERSION"; then
      say "reusing pulumi $v from PATH ($on_path)"
      cli="$on_path"; return
    fi
    say "pulumi on PATH ($on_path) is '${v:-unknown}', older than $PULUMI_VERSION: not used"
  fi
  if [ -x "$build_dir/bin/pulumi" ] && [ "$(cli_version "$build_dir/bin/pulumi")" = "$PULUMI_VERSION" ]; then
    say "reusing pulumi $PULUMI_VERSION built earlier ($build_dir/bin/pulumi)"
    cli="$build_dir/bin/pulumi"; return
  fi
  build_cli
  cli="$build_dir/bin/pulumi"
}

build_cli() {
  command -v go >/dev/null 2>&1 || fail "no pulumi >= $PULUMI_VERSION on PATH and no Go toolchain to build one: install Go (https://go.dev/doc/install) or put pulumi on PATH"
  say "building pulumi v$PULUMI_VERSION from the Go module proxy with $(go version | cut -d' ' -f3) into $build_dir"
  say "a first build takes several minutes on 2 cores (downloads ~300 modules, then compiles); later runs reuse it"
  local src="$build_dir/src"
  mkdir -p "$src" "$build_dir/bin"
  cat > "$src/go.mod" <<GOMOD
module local/pulumi-cli

go 1.26

tool github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

require (
	github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION
	github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION
)

replace $CLIPBOARD_REPLACE
GOMOD
  (
    cd "$src"
    export GOFLAGS="${GOFLAGS:-} -mod=mod"
    say "resolving modules (go mod tidy)"
    go mod tidy || fail "go mod tidy failed for github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION: is the Go module proxy reachable? (GOPROXY=$(go env GOPROXY))"
    say "compiling (go build; progress is one line per package with -v)"
    # Flags, tags and the version stamp are those of Pulumi's own release build (.goreleaser.yml).
    if ! go build -v -trimpath -tags osusergo,grpcnotrace \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
      -o "$build_dir/bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi 2>&1 \
      | awk '/^(#|[a-z].*\.go:)/ { print; next } { n++; if (n % 50 == 0) { printf "[setup-engine]   %d packages compiled (last: %s)\n", n, $0; fflush() } }'
    then
      fail "go build of the pulumi CLI failed (see the output above)"
    fi
  )
  mv "$build_dir/bin/pulumi.tmp" "$build_dir/bin/pulumi"
  say "built $("$build_dir/bin/pulumi" version)"
}

# The dynamic-provider plugin must sit next to the real CLI binary: the CLI looks for its bundled plugins
# there (after resolving symlinks) and warns when it finds one on PATH instead. The shim is generic (it
# resolves @pulumi/pulumi from the project folder it runs in), so one copy serves every project.
install_shim() {
  local shim="$project_dir/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  [ -x "$shim" ] || fail "missing $shim (the dynamic-provider plugin shipped in @pulumi/pulumi): run 'npm ci' first"
  rm -f "$engine_bin/pulumi-resource-pulumi-nodejs"
  [ -x "$(cli_dir)/pulumi-resource-pulumi-nodejs" ] || install_beside_cli pulumi-resource-pulumi-nodejs "$shim"
}

# The folder of the real CLI binary (symlinks resolved): where the CLI looks for bundled plugins and hosts.
cli_dir() { dirname "$(readlink -f "$cli")"; }

# install_beside_cli NAME SOURCE: copies SOURCE next to the CLI binary as NAME; when that folder is
# read-only, links it into .pulumi-engine/bin, which runs put on PATH (the CLI then warns it found it there).
install_beside_cli() {
  local name="$1" source="$2" dir; dir="$(cli_dir)"
  mkdir -p "$engine_bin"
  if [ -w "$dir" ]; then
    say "installing $name next to the CLI ($dir)"
    cp "$source" "$dir/$name.tmp" && mv "$dir/$name.tmp" "$dir/$name"
  else
    say "$dir is read-only: $name goes on PATH (the CLI will warn that it found it there)"
    ln -sfn "$source" "$engine_bin/$name"
  fi
}

# The language host: beside the CLI already (a full installation, or installed by an earlier run), else
# from the cache, else built into it. It must sit next to the real CLI binary, where the CLI looks for
# bundled language hosts; on a read-only installation it goes on PATH (the CLI then warns).
host_dir="$cache_root/pulumi-language-nodejs-v$LANGUAGE_HOST_SDK_VERSION"
install_language_host() {
  rm -f "$engine_bin/pulumi-language-nodejs"
  if [ -x "$(cli_dir)/pulumi-language-nodejs" ]; then
    say "language host present beside the CLI ($(cli_dir)/pulumi-language-nodejs)"
    return
  fi
  if [ ! -x "$host_dir/bin/pulumi-language-nodejs" ]; then
    build_language_host
  else
    say "reusing pulumi-language-nodejs built earlier ($host_dir/bin/pulumi-language-nodejs)"
  fi
  install_beside_cli pulumi-language-nodejs "$host_dir/bin/pulumi-language-nodejs"
}

build_language_host() {
  command -v go >/dev/null 2>&1 || fail "no pulumi-language-nodejs beside $cli and no Go toolchain to build one: install Go or a full Pulumi installation"
  say "building pulumi-language-nodejs (github.com/pulumi/pulumi/sdk/v3@v$LANGUAGE_HOST_SDK_VERSION) into $host_dir; about 2 minutes, once"
  local src="$host_dir/src"
  mkdir -p "$src" "$host_dir/bin"
  cat > "$src/go.mod" <<GOMOD
module local/pulumi-language-nodejs

go 1.26

tool github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs

require github.com/pulumi/pulumi/sdk/v3 v$LANGUAGE_HOST_SDK_VERSION
GOMOD
  (
    cd "$src"
    export GOFLAGS="${GOFLAGS:-} -mod=mod"
    # Without the tool line above, go mod tidy would drop the requirement (nothing imports it).
    go mod tidy || fail "go mod tidy failed for github.com/pulumi/pulumi/sdk/v3@v$LANGUAGE_HOST_SDK_VERSION: is the Go module proxy reachable?"
    go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$LANGUAGE_HOST_SDK_VERSION" \
      -o "$host_dir/bin/pulumi-language-nodejs.tmp" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs \
      || fail "go build of pulumi-language-nodejs failed (see the output above)"
  )
  mv "$host_dir/bin/pulumi-language-nodejs.tmp" "$host_dir/bin/pulumi-language-nodejs"
}

cli=""
find_cli
mkdir -p "$engine_bin"
ln -sfn "$cli" "$engine_bin/pulumi"
install_shim
install_language_host
say "engine ready: $engine_bin/pulumi -> $cli ($("$engine_bin/pulumi" version))"
