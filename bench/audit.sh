#!/usr/bin/env bash
# Audit benchmark of docs/BENCHMARKS.md: per-PDF wall time of `juesuan audit`
# (pdftotext included) next to `pdftotext -layout` alone (the physical floor) and
# GovBudgetChecker's rule engine (the peer; set up with bench/govbudgetchecker/setup.sh),
# on the same files in the same run; then a batch of 30 PDFs.
# Results: bench/results/audit*.json and govbudgetchecker*.json.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
cargo build --release --locked -q
mkdir -p bench/results
bin=$PWD/target/release/juesuan
corpus=$(realpath "${CORPUS:-../shared/corpus}")
seed=$(realpath "${SEED:-../shared/seed/000_4d08a9674d8dc8ea.txt}")
gbc_py=${GBC_PYTHON:-/work/peers/venv/bin/python}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%F)"
$bin build examples/jincheng-amr-2022 -o "$out/own" --format pdf >/dev/null
pdfs=("$corpus/shanghai-2024-template.pdf" "$corpus/shanghai-putuo-caizhengju-2024.pdf"
      "$corpus/shanghai-putuo-caizhengju-2024-injected-errors.pdf" "$out/own/report.pdf")
args=()
for f in "${pdfs[@]}"; do
  n=$(basename "$f" .pdf)
  [ "$n" = report ] && n=jincheng-own-61p
  args+=(-n "pdftotext $n" "pdftotext -layout $f -" -n "juesuan-audit $n" "$bin audit $f")
done
# -i: audit exits 1 when it finds errors, which it does on three of the four.
hyperfine -N -i --warmup 3 --runs 30 --export-json bench/results/audit.json "${args[@]}" \
  -n "juesuan-audit seed-text" "$bin audit $seed"

# Batch: 30 PDFs (ten copies of each corpus file), audited in parallel with a summary.
mkdir -p "$out/batch"
for i in $(seq -w 1 10); do
  for f in "${pdfs[@]:0:3}"; do cp "$f" "$out/batch/$i-$(basename "$f")"; done
done
batch=$(echo "$out"/batch/*.pdf)   # hyperfine -N runs no shell: expand here
hyperfine -N -i --warmup 1 --runs 5 --export-json bench/results/audit-batch.json \
  -n "juesuan-audit batch of 30" \
  "$bin audit $batch --summary $out/summary.csv -o $out/all.json --format json"
test "$(wc -l < "$out/summary.csv")" = 31 || { echo "batch summary incomplete" >&2; exit 1; }
# The floor for the batch: pdftotext on the same 30 files, one after the other.
hyperfine -N --warmup 1 --runs 5 --export-json bench/results/pdftotext-batch.json \
  -n "pdftotext batch of 30 (sequential)" \
  "sh -c 'for f in $batch; do pdftotext -layout \$f /dev/null; done'"

if [ -x "$gbc_py" ]; then
  "$gbc_py" bench/govbudgetchecker/run.py --reps 5 "${pdfs[@]:0:3}" -o bench/results/govbudgetchecker.json
  t0=$(date +%s.%N)
  "$gbc_py" bench/govbudgetchecker/run.py --reps 1 "$out"/batch/*.pdf -o "$out/gbc-batch.json" >/dev/null
  t1=$(date +%s.%N)
  python3 -c "import json; json.dump({'command':'GovBudgetChecker batch of 30 (sequential, one process)','seconds':$t1-$t0}, open('bench/results/govbudgetchecker-batch.json','w'))"
else
  echo "skipping GovBudgetChecker: run bench/govbudgetchecker/setup.sh first"
fi

python3 - <<'PY'
import json, os
for f in ["audit", "audit-batch", "pdftotext-batch"]:
    for r in json.load(open(f"bench/results/{f}.json"))["results"]:
        print(f"{r['command'][:50]:50} median {r['median']*1000:8.1f} ms (min {r['min']*1000:.1f}, max {r['max']*1000:.1f})")
if os.path.exists("bench/results/govbudgetchecker.json"):
    d = json.load(open("bench/results/govbudgetchecker.json"))
    print(f"GovBudgetChecker import (once): {d['import_seconds']*1000:.0f} ms")
    for p in d["pdfs"]:
        print(f"GovBudgetChecker {os.path.basename(p['file'])[:40]:40} median {p['median']['seconds']*1000:8.1f} ms ({p['issue_counts']['all']} issues)")
if os.path.exists("bench/results/govbudgetchecker-batch.json"):
    d = json.load(open("bench/results/govbudgetchecker-batch.json"))
    print(f"{d['command']}: {d['seconds']:.1f} s")
PY
