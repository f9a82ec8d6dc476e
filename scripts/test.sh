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
# qpdf checks that the PDF we write is valid (crates/cli/tests/outputs.rs).
command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
[ -e /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc ] || need+=(fonts-noto-cjk)
# The platform's tests run every query on PostgreSQL too, in a throwaway cluster.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# A real browser drives the platform's whole cycle (crates/server/tests/browser.rs).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
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

# A throwaway PostgreSQL cluster on a loopback port, in a temporary directory,
# stopped on exit: the platform's tests (crates/server/tests) run on it and on
# SQLite. PostgreSQL refuses to run as root, so as root it runs as `postgres`.
pg_bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
pg_dir=$(mktemp -d /tmp/juesuan-pg.XXXXXX)
pg_port=$(( 20000 + RANDOM % 20000 ))
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$pg_dir"
  as_pg=(runuser -u postgres --)
fi
fl_dir=$(mktemp -d /tmp/juesuan-frictionless.XXXXXX)
stop_pg() {
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir" "$fl_dir"
}
trap stop_pg EXIT
"${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir -c fsync=off" start >/dev/null
export JUESUAN_TEST_POSTGRES="postgres://postgres@127.0.0.1:$pg_port"
# Here a missing browser fails the browser test instead of skipping it.
export JUESUAN_REQUIRE_BROWSER=1
# The Frictionless validator checks the open data, offline (crates/cli/tests/outputs.rs),
# from PyPI into a throwaway virtual environment.
python3 -m venv "$fl_dir"
"$fl_dir/bin/pip" install -q --disable-pip-version-check frictionless==5.21.0
export JUESUAN_FRICTIONLESS="$fl_dir/bin/frictionless"

cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
