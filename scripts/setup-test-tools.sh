#!/usr/bin/env bash
# Installs the real peers the tests use to judge our output, when the machine lacks them:
#   openssl  certificates, keys, CSRs, PKCS #12
#   keytool  Java KeyStores (JKS), from a headless Java runtime
# Uses apt-get (Debian/Ubuntu, as root); elsewhere it says which tool to install. Idempotent.
set -euo pipefail

say() { printf '[setup-test-tools] %s\n' "$*"; }

declare -A package_of=([openssl]=openssl [keytool]=default-jre-headless)
missing=()
for tool in openssl keytool; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -eq 0 ]; then
  say "openssl and keytool present"
  exit 0
fi

packages=()
for tool in "${missing[@]}"; do packages+=("${package_of[$tool]}"); done
if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" -ne 0 ]; then
  printf '[setup-test-tools] error: the tests need %s; install them (Debian packages: %s) and run again\n' "${missing[*]}" "${packages[*]}" >&2
  exit 1
fi
say "installing ${packages[*]} (for ${missing[*]}) with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}"
for tool in "${missing[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || { printf '[setup-test-tools] error: %s still missing after installing %s\n' "$tool" "${package_of[$tool]}" >&2; exit 1; }
done
say "installed ${missing[*]}"
