#!/usr/bin/env bash
# Seeds the fuzz corpora from the example: its workbook and an empty form as
# whole files (import_workbook), and each XML part of the example's workbook
# prefixed with its selector byte (import_sheet). Needs `juesuan` built.
set -euo pipefail
cd "$(dirname "$0")"
# The newer of the release and debug builds.
bin=$(ls -t ../target/release/juesuan ../target/debug/juesuan 2>/dev/null | head -1)
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
