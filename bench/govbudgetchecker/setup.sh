#!/usr/bin/env bash
# Set up the GovBudgetChecker peer OUTSIDE this repository, for bench/govbudgetchecker/run.py.
#
#   bench/govbudgetchecker/setup.sh SOURCE [PEERS_DIR]
#
# SOURCE is either an already-fetched git directory (bare mirror or a clone), or a git
# URL (e.g. https://github.com/zxj6827111-blip/GovBudgetChecker.git), cloned bare into
# PEERS_DIR/GovBudgetChecker.git.  PEERS_DIR defaults to /work/peers.  Makes:
#   PEERS_DIR/GovBudgetChecker/   the tree at HEAD (git archive; .gbc-commit = the commit)
#   PEERS_DIR/venv/               a virtualenv with its requirements.txt installed
# Nothing is written inside this repository.
set -euo pipefail
src=${1:?usage: setup.sh MIRROR_GIT_DIR_OR_URL [PEERS_DIR]}
peers=${2:-/work/peers}
repo_root=$(cd "$(dirname "$0")/../.." && pwd)
peers=$(realpath -m "$peers")
case "$peers/" in
  "$repo_root"/*) echo "refusing: $peers is inside $repo_root" >&2; exit 1 ;;
esac
mkdir -p "$peers"

if [ -d "$src" ]; then
  gitdir=$(git -C "$src" rev-parse --absolute-git-dir 2>/dev/null || echo "$src")
else
  gitdir=$peers/GovBudgetChecker.git
  [ -d "$gitdir" ] || git clone --bare --quiet "$src" "$gitdir"
fi
commit=$(git --git-dir="$gitdir" rev-parse HEAD)

tree=$peers/GovBudgetChecker
rm -rf "$tree"
mkdir -p "$tree"
git --git-dir="$gitdir" archive HEAD | tar -x -C "$tree"
echo "$commit" > "$tree/.gbc-commit"

py=${PYTHON:-python3}
[ -x "$peers/venv/bin/python" ] || "$py" -m venv "$peers/venv"
"$peers/venv/bin/pip" install -q --upgrade pip
if ! "$peers/venv/bin/pip" install -q -r "$tree/requirements.txt"; then
  # The rule engine itself needs only these (the rest serve the web API, AI and database).
  echo "full requirements failed; installing what the rule engine and api.main import" >&2
  "$peers/venv/bin/pip" install -q pdfplumber PyMuPDF pypdf rapidfuzz numpy pyyaml \
    python-dotenv fastapi python-multipart pydantic httpx requests aiofiles
fi
echo "GovBudgetChecker $commit in $tree; python: $peers/venv/bin/python"
