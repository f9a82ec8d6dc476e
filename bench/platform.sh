#!/usr/bin/env bash
# Published pages of `juesuan serve` under load, beside nginx serving the same
# bytes from disk (the ceiling), in one run on loopback. Needs a release build,
# wrk and nginx (apt-get install wrk nginx-light). Prints a Markdown table.
#
#   bench/platform.sh [connections=200] [seconds=10]
set -euo pipefail
cd "$(dirname "$0")/.."
conns=${1:-200}
secs=${2:-10}
bin=target/release/juesuan
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 1; }
tmp=$(mktemp -d /tmp/juesuan-bench.XXXXXX)
port=18090
nport=18091
cleanup() {
  [ -n "${srv:-}" ] && kill "$srv" 2>/dev/null || true
  [ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

"$bin" serve --demo --data-dir "$tmp/data" --listen "127.0.0.1:$port" > "$tmp/serve.log" 2>&1 &
srv=$!
for _ in $(seq 1 120); do grep -q 已启动 "$tmp/serve.log" && break; sleep 0.5; done
grep -q 已启动 "$tmp/serve.log" || { cat "$tmp/serve.log" >&2; exit 1; }

# The same bytes for nginx: the published report page and the report itself.
mkdir -p "$tmp/www"
curl -s "http://127.0.0.1:$port/r/065/2022/1/" > "$tmp/www/page.html"
curl -s "http://127.0.0.1:$port/r/065/2022/1/report.html" > "$tmp/www/report.html"
cat > "$tmp/nginx.conf" <<CONF
worker_processes 2;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nport;
    root $tmp/www;
  }
}
CONF
nginx -c "$tmp/nginx.conf"
sleep 0.5

rss() { awk '/VmRSS/ {print $2}' "/proc/$srv/status"; }
run() { # url → "requests/s p50 p99"
  wrk -t2 -c"$conns" -d"${secs}s" --latency "$1" 2>/dev/null | awk '
    /Requests\/sec/ {rps=$2}
    /^ +50%/ {p50=$2}
    /^ +99%/ {p99=$2}
    END {print rps, p50, p99}'
}
before=$(rss)
echo "| page | server | requests/s | p50 | p99 |"
echo "|---|---|---:|---:|---:|"
for pair in "report page /r/065/2022/1/ (rendered from the database, reused 2 s)|/r/065/2022/1/|page.html" \
            "published report.html (256 KB, from the store, kept in memory)|/r/065/2022/1/report.html|report.html"; do
  IFS='|' read -r name path file <<<"$pair"
  read -r rps p50 p99 <<<"$(run "http://127.0.0.1:$port$path")"
  echo "| $name | juesuan serve | $rps | $p50 | $p99 |"
  read -r rps p50 p99 <<<"$(run "http://127.0.0.1:$nport/$file")"
  echo "| $name | nginx (same bytes, from disk) | $rps | $p50 | $p99 |"
done
after=$(rss)
echo
echo "juesuan serve resident memory: ${before} KB before the load, ${after} KB after ($conns connections, ${secs} s per row)."
