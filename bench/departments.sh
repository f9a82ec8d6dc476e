#!/usr/bin/env bash
# The comparison pages and search at city scale: a platform with N published
# departments (default 1,000) over 5 years (2018–2022), the headline figures and
# search texts of the demo's publications copied straight into the database
# (what each publication keeps; the search index fills through its trigger),
# then the time the server takes to answer /y/2022/departments (sorted), its
# CSV, a department's trend and searches, as curl measures it on loopback
# (median and slowest of 30). Needs a release build and python3. Prints a
# Markdown table.
#
#   bench/departments.sh [departments=1000]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
bin=target/release/juesuan
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 1; }
tmp=$(mktemp -d /tmp/juesuan-bench.XXXXXX)
port=18095
cleanup() {
  [ -n "${srv:-}" ] && kill "$srv" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
start() {
  "$bin" serve "$@" --data-dir "$tmp/data" --listen "127.0.0.1:$port" > "$tmp/serve.log" 2>&1 &
  srv=$!
  for _ in $(seq 1 240); do grep -q 已启动 "$tmp/serve.log" && return; sleep 0.5; done
  cat "$tmp/serve.log" >&2
  exit 1
}
start --demo
kill "$srv"; wait "$srv" 2>/dev/null || true; srv=

python3 - "$tmp/data/juesuan.db" "$n" <<'PY'
import sqlite3, sys, json, time
db, n = sys.argv[1], int(sys.argv[2])
c = sqlite3.connect(db)
pubs = c.execute(
    "SELECT h.headline, p.search_text FROM publications p JOIN reports r ON r.id = p.report_id "
    "JOIN publication_headlines h ON h.publication_id = p.id WHERE r.year = 2022").fetchall()
user = c.execute("SELECT id FROM users LIMIT 1").fetchone()[0]
now = int(time.time())
for y in (2018, 2019, 2020):
    c.execute("INSERT OR IGNORE INTO years (year, profile) VALUES (?, 'shanxi-2022')", (y,))
for i in range(n):
    code = f"B{i:05d}"
    cur = c.execute("INSERT INTO departments (code, name, created_at) VALUES (?, ?, ?)",
                    (code, f"基准市第{i + 1}部门", now))
    d = cur.lastrowid
    for year in (2018, 2019, 2020, 2021, 2022):
        head, text = pubs[(i + year) % len(pubs)]
        # The text's first line names the department and year, as the platform writes it.
        text = f"基准市第{i + 1}部门 {year}\n" + text.split("\n", 1)[1]
        r = c.execute("INSERT INTO reports (department_id, year, state, latest_version, updated_at) "
                      "VALUES (?, ?, 'published', 1, ?)", (d, year, now)).lastrowid
        v = c.execute("INSERT INTO versions (report_id, number, file_name, upload_sha, upload_size, html_sha, "
                      "findings_sha, snapshot_sha, errors, warnings, infos, department_name, uploaded_by, uploaded_at) "
                      "VALUES (?, 1, 'f.xlsx', '', 0, '', '', '', 0, 0, 0, ?, ?, ?)",
                      (r, f"基准市第{i + 1}部门", user, now)).lastrowid
        p = c.execute("INSERT INTO publications (report_id, version_id, number, published_at, search_text) "
                      "VALUES (?, ?, 1, ?, ?)", (r, v, now, text)).lastrowid
        c.execute("INSERT INTO publication_headlines (publication_id, headline) VALUES (?, ?)", (p, head))
c.commit()
PY

start
url="http://127.0.0.1:$port"
measure() {
  local path=$1 times=()
  curl -s -o /dev/null "$url$path"   # warm
  for _ in $(seq 1 30); do
    times+=("$(curl -s -o /dev/null -w '%{time_total}' "$url$path")")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f ms | %.1f ms", a[int((NR+1)/2)]*1000, a[NR]*1000}'
}
rows=$(curl -s "$url/y/2022/departments" | grep -o '<tr' | wc -l)
echo "| what | median | slowest of 30 |"
echo "|---|---|---|"
echo "| /y/2022/departments?sort=exp&desc=1 ($((rows - 2)) departments + 合计, $(curl -s "$url/y/2022/departments" | wc -c) bytes) | $(measure '/y/2022/departments?sort=exp&desc=1') |"
echo "| /y/2022/departments?format=csv | $(measure '/y/2022/departments?format=csv') |"
echo "| /y/2022/departments?q=第99 (filtered) | $(measure '/y/2022/departments?q=%E7%AC%AC99') |"
echo "| /d/B00000/ (5 years) | $(measure '/d/B00000/') |"
echo "| /search?q=市场监督管理 (five characters: the trigram index, bm25) | $(measure '/search?q=%E5%B8%82%E5%9C%BA%E7%9B%91%E7%9D%A3%E7%AE%A1%E7%90%86') |"
echo "| /search?q=行政运行 (in every one of the $(( n * 5 + 19 )) texts, ranked by bm25) | $(measure '/search?q=%E8%A1%8C%E6%94%BF%E8%BF%90%E8%A1%8C') |"
echo "| /search?q=第99部门 (department names) | $(measure '/search?q=%E7%AC%AC99%E9%83%A8%E9%97%A8') |"
echo "| /search?q=教育 (two characters: the index of character pairs) | $(measure '/search?q=%E6%95%99%E8%82%B2') |"
