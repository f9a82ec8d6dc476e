#!/usr/bin/env bash
# Benchmarks of docs/BENCHMARKS.md. Builds the release binary, then times whole
# commands with hyperfine (median of repeated runs, after warm-up). Results go to
# bench/results/*.json; copy the medians into docs/BENCHMARKS.md with machine and date.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
cargo build --release --locked -q
mkdir -p bench/results
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bin=./target/release/juesuan
ex=examples/jincheng-amr-2022
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%F)"
hyperfine -N --warmup 5 --runs 50 --export-json bench/results/build-html-json.json \
  "$bin build $ex -o $out --format html,json"
hyperfine -N --warmup 5 --runs 50 --export-json bench/results/check.json \
  "$bin check $ex"
# The same data as the Excel form (issue 5): import + every rule.
$bin convert $ex -o "$out/form.xlsx" >/dev/null
hyperfine -N --warmup 5 --runs 50 --export-json bench/results/check-xlsx.json \
  "$bin check $out/form.xlsx"

# PDF: ours (the whole report, all five parts) against the two tools a finance officer
# would otherwise use, on the same content, in the same run: Chromium printing our
# own HTML, and LibreOffice Writer converting an equivalent .docx (made from our HTML
# by LibreOffice itself, before timing). Both peers are started fresh each run, as a
# user (or a script) would run them.
if command -v chromium >/dev/null && command -v soffice >/dev/null; then
  $bin build $ex -o "$out/html" --format html >/dev/null
  soffice --headless "-env:UserInstallation=file://$out/lo-profile" \
    --convert-to "docx:MS Word 2007 XML" --outdir "$out/docx" "$out/html/report.html" >/dev/null 2>&1
  chrome="chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
--disable-background-networking --disable-component-update --disable-sync \
--user-data-dir=$out/chrome-profile --no-pdf-header-footer \
--print-to-pdf=$out/chrome.pdf file://$out/html/report.html"
  writer="soffice --headless -env:UserInstallation=file://$out/lo-profile \
--convert-to pdf --outdir $out/writer $out/docx/report.docx"
  hyperfine -N --warmup 2 --runs 20 --export-json bench/results/build-pdf.json \
    "$bin build $ex -o $out/pdf --format pdf"
  hyperfine -N --warmup 2 --runs 20 --export-json bench/results/build-all.json \
    "$bin build $ex -o $out/all"
  hyperfine -N --warmup 1 --runs 7 --export-json bench/results/peers-pdf.json \
    --command-name chromium-print-html "$chrome" \
    --command-name libreoffice-writer-docx "$writer"
  for f in "$out/pdf/report.pdf" "$out/chrome.pdf" "$out/writer/report.pdf"; do
    echo "$(basename "$(dirname "$f")")/$(basename "$f"): $(pdfinfo "$f" | awk '/^Pages:/{print $2}') pages"
  done
else
  echo "skipping the PDF comparison: install chromium and libreoffice-writer-nogui"
fi

python3 - <<'PY'
import json, os
for f in ["build-html-json", "check", "check-xlsx", "build-pdf", "build-all", "peers-pdf"]:
    if not os.path.exists(f"bench/results/{f}.json"):
        continue
    for r in json.load(open(f"bench/results/{f}.json"))["results"]:
        print(f"{r['command'][:60]}: median {r['median']*1000:.1f} ms (min {r['min']*1000:.1f}, max {r['max']*1000:.1f}, {len(r['times'])} runs)")
PY
