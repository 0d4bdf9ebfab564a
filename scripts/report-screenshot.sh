#!/usr/bin/env bash
# Opens a run's report.html in headless Chromium and saves a screenshot (and, with --pdf, the
# browser's print to PDF), so that a person can look at the report as its readers will see it.
#
# Usage: scripts/report-screenshot.sh [OUTPUT_DIR] [SCREENSHOT.png] [--size WxH] [--pdf FILE.pdf]
#   OUTPUT_DIR      a corridor output folder (default: output/baseline)
#   SCREENSHOT.png  where to save the screenshot (default: OUTPUT_DIR-report.png, beside the folder,
#                   so the output folder stays exactly what corridor wrote)
#   --size WxH      browser window in CSS pixels (default: 1280x6000, the top of a long report)
#   --pdf FILE      also print the page to PDF as a browser would (A4, the report's print styles)
#
# Needs Chromium (Debian: apt-get install -y chromium). Runs without network access, GPU or a
# sandbox (as root in containers), with a throwaway profile, so nothing persists between runs.
set -euo pipefail

dir=output/baseline
shot=
size=1280x6000
pdf=
positional=0
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --pdf) pdf=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *)
      if [ $positional -eq 0 ]; then dir=$1; else shot=$1; fi
      positional=$((positional + 1)); shift ;;
  esac
done
dir=${dir%/}
shot=${shot:-$dir-report.png}
report=$dir/report.html
[ -f "$report" ] || { echo "report-screenshot: no $report (run corridor first)" >&2; exit 2; }
case "$size" in
  *x*) ;;
  *) echo "report-screenshot: --size wants WIDTHxHEIGHT, got $size" >&2; exit 2 ;;
esac

browser=
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
[ -n "$browser" ] || { echo "report-screenshot: Chromium not found (apt-get install -y chromium)" >&2; exit 2; }

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
url="file://$(cd "$(dirname "$report")" && pwd)/report.html"
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --disable-extensions --hide-scrollbars --user-data-dir="$profile")

"$browser" "${flags[@]}" --window-size="${size/x/,}" --screenshot="$shot" "$url" 2>/dev/null
[ -s "$shot" ] || { echo "report-screenshot: Chromium wrote no screenshot" >&2; exit 1; }
echo "screenshot: $shot ($size)"
if [ -n "$pdf" ]; then
  "$browser" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$pdf" "$url" 2>/dev/null
  [ -s "$pdf" ] || { echo "report-screenshot: Chromium wrote no PDF" >&2; exit 1; }
  echo "pdf: $pdf"
fi
