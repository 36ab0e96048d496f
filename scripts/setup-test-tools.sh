#!/usr/bin/env bash
# Installs the real peers the tests use to judge our output, when the machine lacks them:
#   openssl  certificates, keys, CSRs, PKCS #12         (Debian: openssl)
#   keytool  Java KeyStores (JKS)                        (Debian: default-jre-headless)
#   xmllint  XML Schema validation of SAML metadata      (Debian: libxml2-utils)
#   xmlsec1  XML signature verification                  (Debian: xmlsec1)
#   go       builds the strict X.509 judge below         (Debian: golang-go)
#   pyca/cryptography ≥ 42 for python3: a partner's Python stack loading our certificate and key (PyPI)
#   markdown-it-py for python3: a CommonMark parser (with GFM tables) reading the report as a reviewer's renderer would (PyPI)
#   lxml for python3: libxml2's XML Schema validator, for test/helpers/metadata-wsdl-judge.py (PyPI)
# and the OASIS SAML 2.0 schemas (metadata, assertion, xmldsig, xenc), taken from the python3-saml wheel on
# PyPI, which ships them with local imports, into ~/.cache/pulumi-salesforce-certs/saml-schemas, and Salesforce's
# Metadata API WSDL (API 63.0), taken from the simple-salesforce wheel on PyPI and checked against its SHA-256,
# into ~/.cache/pulumi-salesforce-certs/metadata-wsdl-<version>/metadata.wsdl.
# It builds test/helpers/strict-x509.go (Go standard library only, no network) into the same cache as
# strict-x509-<first 16 hex of the source's SHA-256>: Go's crypto/x509 is the strict RFC 5280 judge.
# Uses apt-get as root on Debian/Ubuntu; elsewhere it says what to install. Idempotent.
set -euo pipefail

say() { printf '[setup-test-tools] %s\n' "$*"; }
fail() { printf '[setup-test-tools] error: %s\n' "$*" >&2; exit 1; }

declare -A package_of=([openssl]=openssl [keytool]=default-jre-headless [xmllint]=libxml2-utils [xmlsec1]=xmlsec1 [go]=golang-go)
missing=()
for tool in openssl keytool xmllint xmlsec1 go; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  packages=()
  for tool in "${missing[@]}"; do packages+=("${package_of[$tool]}"); done
  if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" -ne 0 ]; then
    fail "the tests need ${missing[*]}; install them (Debian packages: ${packages[*]}) and run again"
  fi
  say "installing ${packages[*]} (for ${missing[*]}) with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  for tool in "${missing[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool still missing after installing ${package_of[$tool]}"
  done
  say "installed ${missing[*]}"
else
  say "openssl, keytool, xmllint, xmlsec1 and go present"
fi

cache_dir="${PULUMI_SFC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-salesforce-certs}"

judge_source="$(cd "$(dirname "$0")/.." && pwd)/test/helpers/strict-x509.go"
sha256() { if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1"; else shasum -a 256 "$1"; fi; }
judge="$cache_dir/strict-x509-$(sha256 "$judge_source" | cut -c1-16)"
if [ ! -x "$judge" ]; then
  say "building the strict X.509 judge ($(go version | cut -d' ' -f3)) into $judge"
  mkdir -p "$cache_dir"
  build_dir="$(mktemp -d)"
  # Outside any module, with the local toolchain and no proxy: the judge imports the standard library only.
  (cd "$build_dir" && GOTOOLCHAIN=local GOPROXY=off GOFLAGS= GOWORK=off CGO_ENABLED=0 go build -trimpath -o "$judge.tmp" "$judge_source") \
    || { rm -rf "$build_dir"; fail "go build of $judge_source failed"; }
  rm -rf "$build_dir"
  mv "$judge.tmp" "$judge"
fi
say "strict X.509 judge at $judge"

cryptography_version=48.0.0
if ! python3 -c 'import cryptography, sys; sys.exit(int(cryptography.__version__.split(".")[0]) < 42)' >/dev/null 2>&1; then
  say "installing pyca/cryptography $cryptography_version for python3 from PyPI"
  python3 -m pip install --quiet "cryptography==$cryptography_version" 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages "cryptography==$cryptography_version" \
    || fail "pip could not install cryptography==$cryptography_version (is PyPI reachable?)"
fi
say "pyca/cryptography $(python3 -c 'import cryptography; print(cryptography.__version__)') present"

markdown_it_version=4.2.0
if ! python3 -c 'import markdown_it' >/dev/null 2>&1; then
  say "installing markdown-it-py $markdown_it_version for python3 from PyPI"
  python3 -m pip install --quiet "markdown-it-py==$markdown_it_version" 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages "markdown-it-py==$markdown_it_version" \
    || fail "pip could not install markdown-it-py==$markdown_it_version (is PyPI reachable?)"
fi
say "markdown-it-py $(python3 -c 'import markdown_it; print(markdown_it.__version__)') present"

lxml_version=6.1.3
if ! python3 -c 'import lxml.etree' >/dev/null 2>&1; then
  say "installing lxml $lxml_version for python3 from PyPI"
  python3 -m pip install --quiet "lxml==$lxml_version" 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages "lxml==$lxml_version" \
    || fail "pip could not install lxml==$lxml_version (is PyPI reachable?)"
fi
say "lxml $(python3 -c 'import lxml; print(lxml.__version__)') present"

schema_version=1.16.0
schema_dir="$cache_dir/saml-schemas-$schema_version"
if [ ! -f "$schema_dir/saml-schema-metadata-2.0.xsd" ]; then
  command -v python3 >/dev/null 2>&1 || fail "python3 (with pip) is needed once, to fetch the OASIS SAML schemas from PyPI"
  say "fetching the OASIS SAML 2.0 schemas (python3-saml $schema_version from PyPI) into $schema_dir"
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  python3 -m pip download --quiet --no-deps --only-binary=:all: "python3-saml==$schema_version" -d "$scratch" \
    || fail "pip could not download python3-saml==$schema_version (is PyPI reachable?)"
  mkdir -p "$schema_dir.tmp"
  python3 - "$scratch" "$schema_dir.tmp" <<'PY'
import glob, os, sys, zipfile
wheel = glob.glob(os.path.join(sys.argv[1], "python3_saml-*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith("onelogin/saml2/schemas/") and name.endswith(".xsd"):
            with open(os.path.join(sys.argv[2], os.path.basename(name)), "wb") as out:
                out.write(z.read(name))
PY
  rm -rf "$schema_dir" && mv "$schema_dir.tmp" "$schema_dir"
fi
say "SAML schemas in $schema_dir"

# The Metadata API WSDL of API 63.0 as simple-salesforce 1.12.10 ships it; the hash pins the file itself, so a
# re-published wheel with another WSDL is refused rather than silently judging against other rules.
wsdl_version=1.12.10
wsdl_sha256=7cab633d834c01fb4d0c05ff70a84f3ac9dc09c18b57d26f37079b86cb8020f4
wsdl_dir="$cache_dir/metadata-wsdl-$wsdl_version"
if [ ! -f "$wsdl_dir/metadata.wsdl" ]; then
  command -v python3 >/dev/null 2>&1 || fail "python3 (with pip) is needed once, to fetch the Metadata API WSDL from PyPI"
  say "fetching the Metadata API WSDL (simple-salesforce $wsdl_version from PyPI) into $wsdl_dir"
  wsdl_scratch="$(mktemp -d)"
  trap 'rm -rf "${scratch:-}" "$wsdl_scratch"' EXIT
  python3 -m pip download --quiet --no-deps --only-binary=:all: "simple-salesforce==$wsdl_version" -d "$wsdl_scratch" \
    || fail "pip could not download simple-salesforce==$wsdl_version (is PyPI reachable?)"
  mkdir -p "$wsdl_dir.tmp"
  python3 - "$wsdl_scratch" "$wsdl_dir.tmp" <<'PY'
import glob, os, sys, zipfile
wheel = glob.glob(os.path.join(sys.argv[1], "simple_salesforce-*.whl"))[0]
with zipfile.ZipFile(wheel) as z, open(os.path.join(sys.argv[2], "metadata.wsdl"), "wb") as out:
    out.write(z.read("simple_salesforce/metadata.wsdl"))
PY
  actual="$(sha256 "$wsdl_dir.tmp/metadata.wsdl" | cut -d' ' -f1)"
  if [ "$actual" != "$wsdl_sha256" ]; then
    rm -rf "$wsdl_dir.tmp"
    fail "metadata.wsdl from simple-salesforce $wsdl_version has SHA-256 $actual, expected $wsdl_sha256"
  fi
  rm -rf "$wsdl_dir" && mv "$wsdl_dir.tmp" "$wsdl_dir"
fi
say "Metadata API WSDL (API $(sed -n 's/^Salesforce.com Metadata API version //p' "$wsdl_dir/metadata.wsdl" | head -1)) in $wsdl_dir"
