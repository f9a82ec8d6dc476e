#!/usr/bin/env python3
"""Run the GovBudgetChecker rule engine (a peer tool) on PDFs and time it.

This is our harness; it calls the peer's code by import path from a checkout kept
outside this repository (see README.md).  For each PDF it does what the peer's
`api/main.py::_run_pipeline` does in its legacy (non-dual) mode with AI off:

  1. open the PDF with pdfplumber; for every page, `_extract_visible_text_from_page`
     and `_extract_tables_from_page` (the peer's own helpers from api/main.py);
  2. `build_document(path=, page_texts=, page_tables=, filesize=)`;
  3. `build_issues_payload(doc, False, report_kind=runtime.normalize_report_kind(doc_type, name))`.

The status.json writes, job queue and thread-pool hops of the web server are left
out: they are I/O around the work, not the work.  `doc_type` defaults to
"dept_final", which is what the peer's upload UI sends for a 决算 report.

Timing: `time.perf_counter()` around each step, per PDF and repetition.  The one-time
start-up (importing api.main, which pulls in the engine, pdfplumber, FastAPI ...) is
measured separately; `--import-only` exits after it so that the whole process
start-up can be timed from outside (e.g. with hyperfine).

Output: one JSON file (default bench/results/govbudgetchecker.json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_GBC = "/work/peers/GovBudgetChecker"


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pdfs", nargs="*", help="PDF files to check")
    ap.add_argument(
        "--gbc-dir",
        default=os.environ.get("GBC_DIR", DEFAULT_GBC),
        help="GovBudgetChecker checkout (default: $GBC_DIR or %(default)s)",
    )
    ap.add_argument("--reps", type=int, default=5, help="repetitions per PDF (default 5)")
    ap.add_argument(
        "--doc-type",
        default="dept_final",
        help="doc_type as the peer's upload form sends it (default dept_final; "
        "use '' to let the peer guess from file name and first page)",
    )
    ap.add_argument(
        "-o",
        "--out",
        default=str(REPO / "bench" / "results" / "govbudgetchecker.json"),
        help="output JSON (default %(default)s)",
    )
    ap.add_argument(
        "--import-only",
        action="store_true",
        help="import the peer and exit (to time process start-up from outside)",
    )
    return ap.parse_args()


def import_peer(gbc_dir: Path):
    """Import the peer exactly as its server does (api.main), from its own directory."""
    # api.main refuses to start without an API key unless auth is off; we serve nothing.
    os.environ.setdefault("GOVBUDGET_AUTH_ENABLED", "false")
    # No database: keeps _run_pipeline's structured-ingest step off, as in a plain run.
    os.environ.pop("DATABASE_URL", None)
    os.chdir(gbc_dir)  # the server runs from its root (relative config/ paths)
    sys.path.insert(0, str(gbc_dir))
    import api.main as gbc_main  # noqa: E402
    from api import runtime  # noqa: E402
    import pdfplumber  # noqa: E402

    return gbc_main, runtime, pdfplumber


def norm_issue(item: dict) -> dict:
    loc = item.get("location") if isinstance(item.get("location"), dict) else {}
    page = loc.get("page")
    if page is None and isinstance(loc.get("pages"), list) and loc["pages"]:
        page = loc["pages"][0]
    raw = {k: v for k, v in item.items() if k != "created_at"}  # created_at = wall clock
    return {
        "rule": item.get("rule") or item.get("rule_id"),
        "id": item.get("id"),
        "severity": item.get("severity"),
        "title": item.get("title"),
        "message": item.get("message"),
        "page": page,
        "location": loc,
        "raw": raw,
    }


def run_once(gbc_main, runtime, pdfplumber, pdf: Path, doc_type: str) -> tuple[dict, dict]:
    t0 = time.perf_counter()
    page_texts, page_tables = [], []
    filesize = pdf.stat().st_size
    with pdfplumber.open(str(pdf)) as doc_pdf:
        for p in doc_pdf.pages:
            page_texts.append(gbc_main._extract_visible_text_from_page(p))
            page_tables.append(gbc_main._extract_tables_from_page(p))
    t1 = time.perf_counter()
    doc = gbc_main.build_document(
        path=str(pdf), page_texts=page_texts, page_tables=page_tables, filesize=filesize
    )
    t2 = time.perf_counter()
    report_kind = runtime.normalize_report_kind(doc_type or None, pdf.name)
    payload = gbc_main.build_issues_payload(doc, False, report_kind=report_kind)
    t3 = time.perf_counter()
    timing = {
        "seconds": t3 - t0,
        "parse_pdf": t1 - t0,
        "build_document": t2 - t1,
        "rules": t3 - t2,
    }
    info = {"pages": len(page_texts), "report_kind": report_kind, "payload": payload}
    return timing, info


def main() -> int:
    args = parse_args()
    gbc_dir = Path(args.gbc_dir).resolve()
    pdfs = [Path(p).resolve() for p in args.pdfs]
    out = Path(args.out).resolve()

    t0 = time.perf_counter()
    gbc_main, runtime, pdfplumber = import_peer(gbc_dir)
    import_seconds = time.perf_counter() - t0
    if args.import_only:
        return 0

    results = []
    for pdf in pdfs:
        runs = []
        issues = None
        stable = True
        info = {}
        for _ in range(args.reps):
            timing, info = run_once(gbc_main, runtime, pdfplumber, pdf, args.doc_type)
            runs.append(timing)
            these = [norm_issue(i) for i in info["payload"]["issues"]["all"]]
            key = [(i["rule"], i["severity"], i["message"]) for i in these]
            if issues is None:
                issues, first_key = these, key
            elif key != first_key:
                stable = False
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        counts = {
            b: len(info["payload"]["issues"].get(b, [])) for b in ("error", "warn", "info")
        }
        results.append(
            {
                "file": str(pdf),
                "pages": info["pages"],
                "report_kind": info["report_kind"],
                "seconds": med["seconds"],
                "median": med,
                "runs": runs,
                "issue_counts": counts | {"all": len(issues)},
                "issues_identical_across_runs": stable,
                "issues": issues,
            }
        )
        print(
            f"{pdf.name}: median {med['seconds']:.3f}s "
            f"(parse {med['parse_pdf']:.3f}, document {med['build_document']:.4f}, "
            f"rules {med['rules']:.3f}); {len(issues)} issues {counts}",
            file=sys.stderr,
        )

    commit_file = gbc_dir / ".gbc-commit"  # written by setup.sh
    report = {
        "tool": "GovBudgetChecker",
        "gbc_dir": str(gbc_dir),
        "gbc_commit": commit_file.read_text().strip() if commit_file.exists() else None,
        "pipeline": "api/main.py::_run_pipeline, legacy mode, use_ai_assist=False",
        "doc_type": args.doc_type,
        "reps": args.reps,
        "import_seconds": import_seconds,
        "python": sys.version.split()[0],
        "machine": f"{os.cpu_count()} cpus, {platform.processor() or platform.machine()}",
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "pdfs": results,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"import (start-up) {import_seconds:.3f}s; wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
