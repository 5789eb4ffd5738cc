#!/usr/bin/env bash
# Executes every notebook headless against a run's outputs (default: out/data and out/run;
# CI points SPARKLM_DATA/SPARKLM_RUN at the end-to-end test's outputs). Needs Debian's
# jupyter-nbconvert, python3-matplotlib and python3-pandas.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export SPARKLM_ROOT="${SPARKLM_ROOT:-$(cd .. && pwd)}"
out=$(mktemp -d)
for nb in *.ipynb; do
  echo "executing notebooks/$nb"
  PYDEVD_DISABLE_FILE_VALIDATION=1 /usr/bin/python3 -m jupyter nbconvert --to notebook --execute "$nb" \
    --output-dir "$out" --ExecutePreprocessor.timeout=300 >/dev/null 2>"$out/$nb.log" || { cat "$out/$nb.log"; exit 1; }
done
echo "notebooks: all executed"
