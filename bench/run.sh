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
python3 - <<'PY'
import json
for f in ["build-html-json", "check"]:
    r = json.load(open(f"bench/results/{f}.json"))["results"][0]
    print(f"{f}: median {r['median']*1000:.1f} ms (min {r['min']*1000:.1f}, max {r['max']*1000:.1f}, {len(r['times'])} runs)")
PY
