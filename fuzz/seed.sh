#!/usr/bin/env bash
# Seeds the fuzz corpora from the example: its workbook and an empty form as
# whole files (import_workbook), and each XML part of the example's workbook
# prefixed with its selector byte (import_sheet), which need `juesuan` built;
# then, without it, the example's text directory in textdir's 0xFF-separated
# form, the seed and corpus report texts (audit_text, narrative_compare) and the
# example's indicator cells (perf_target).
set -euo pipefail
cd "$(dirname "$0")"
ex=../examples/jincheng-amr-2022
mkdir -p corpus/textdir corpus/audit_text corpus/narrative_compare corpus/perf_target
# textdir: report.toml, income.csv, general-budget.csv, economic.csv,
# narrative.toml, nonfiscal.csv, government-fund.csv, then project files. The
# whole example (narrative.toml names its projects, so it needs them all), and,
# smaller to mutate quickly, the example without narrative.toml with one project
# each and with none; all are accepted by the loader, so the fuzzer starts inside
# the check pipeline.
sep() { printf '\xff'; }
tables() {
  cat "$ex/report.toml"; sep; cat "$ex/income.csv"; sep; cat "$ex/general-budget.csv"; sep
  cat "$ex/economic.csv"; sep
}
{ tables; cat "$ex/narrative.toml"; sep; sep; for p in "$ex"/projects/*.toml; do sep; cat "$p"; done; } > corpus/textdir/whole
{ tables; sep; sep; } > corpus/textdir/no-projects
n=0
for p in "$ex"/projects/*.toml; do
  n=$((n + 1))
  { tables; sep; sep; sep; cat "$p"; } > "corpus/textdir/project-$n"
done
# JUESUAN_TEXTS names a folder of more (seed/*.txt, corpus/*.txt); by default the
# one beside the checkout. The example's own report text is always used.
shared=${JUESUAN_TEXTS:-../../shared}
for t in ../crates/compose/tests/golden/jincheng-amr-2022.txt "$shared"/seed/*.txt "$shared"/corpus/*.txt; do
  [ -f "$t" ] || continue
  cp "$t" corpus/audit_text/
  cp "$t" corpus/narrative_compare/
done
# perf_target: target, actual, weight, score, second-level category per line,
# taken from the example's indicator rows.
awk -v out=corpus/perf_target/ind- '
  function flush() { if (t != "" || a != "") { n++; printf "%s\n%s\n%s\n%s\n%s\n", t, a, w, sc, l2 > (out n); close(out n) }; t = a = w = sc = l2 = "" }
  function val(line) { sub(/^[a-z0-9]+ *= *"?/, "", line); sub(/"$/, "", line); return line }
  /^\[\[indicators\]\]/ { flush() }
  /^target *=/ { t = val($0) } /^actual *=/ { a = val($0) } /^weight *=/ { w = val($0) }
  /^score *=/ { sc = val($0) } /^level2 *=/ { l2 = val($0) }
  END { flush() }' "$ex"/projects/*.toml
# The newer of the release and debug builds, or JUESUAN_BIN.
# (`|| true`: with pipefail, `ls` of a build that does not exist fails the line.)
bin=${JUESUAN_BIN:-$(ls -t ../target/release/juesuan ../target/debug/juesuan 2>/dev/null | head -1 || true)}
[ -n "$bin" ] || { echo "build juesuan first (cargo build)" >&2; exit 1; }
mkdir -p corpus/import_workbook corpus/import_sheet
tmp=$(mktemp -d)
"$bin" convert ../examples/jincheng-amr-2022 -o "$tmp/example.xlsx" >/dev/null
"$bin" init --xlsx "$tmp/empty.xlsx" --department 某某局 --year 2023 >/dev/null
cp "$tmp/example.xlsx" "$tmp/empty.xlsx" corpus/import_workbook/
(cd "$tmp" && mkdir x && cd x && unzip -q ../example.xlsx)
i=0
for f in $(cd "$tmp/x" && find xl -type f | sort); do
  # import_sheet picks among the xl/ parts in archive order; any byte will do for a seed.
  { printf "\\x$(printf %02x $i)"; cat "$tmp/x/$f"; } > "corpus/import_sheet/$(basename "$f")-$i"
  i=$((i + 1))
done
rm -rf "$tmp"
echo "seeded: $(ls corpus/import_workbook | wc -l) workbooks, $(ls corpus/import_sheet | wc -l) parts"
for t in textdir audit_text narrative_compare perf_target; do
  echo "seeded: $t $(ls corpus/$t | wc -l)"
done
