#!/usr/bin/env bash
# The whole test suite — what CI runs (.ci/run calls this). Installs the system
# packages the tests need when they are missing (as root, via apt-get), then runs
# rustfmt, clippy with warnings as errors, and every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
# Tools some tests call as a person would: poppler's pdftotext/pdffonts/pdfinfo read
# our PDF back; LibreOffice must open our .xlsx without repair (it converts it to
# PDF in a test); the Noto CJK fonts are what the PDF prefers (the embedded fallback
# is tested on its own, with no system font).
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
[ -e /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc ] || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "missing system packages (install them, or run as root): ${need[*]}" >&2
    exit 1
  fi
fi

cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
