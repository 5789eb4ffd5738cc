#!/usr/bin/env bash
# Executes every notebook headless against the jobs' outputs (default: out/data and out/run;
# CI points SPARKLM_DATA/SPARKLM_RUN at the end-to-end test's outputs) and fails if a cell
# errors, a cell that draws a figure shows none, or an output says something "is not installed".
# Needs Debian's jupyter-nbconvert, python3-matplotlib and python3-pandas (bin/notebooks --install),
# and the application jars (bin/inspect).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export SPARKLM_ROOT="${SPARKLM_ROOT:-$(cd .. && pwd)}"
out=$(mktemp -d)
for nb in *.ipynb; do
  echo "executing notebooks/$nb"
  PYDEVD_DISABLE_FILE_VALIDATION=1 /usr/bin/python3 -m jupyter nbconvert --to notebook --execute "$nb" \
    --output-dir "$out" --ExecutePreprocessor.timeout=600 >/dev/null 2>"$out/$nb.log" || { cat "$out/$nb.log"; exit 1; }
done
/usr/bin/python3 - "$out" <<'PY'
import json, pathlib, sys
problems, figures = [], 0
for path in sorted(pathlib.Path(sys.argv[1]).glob('*.ipynb')):
    nb = json.loads(path.read_text())
    for i, cell in enumerate(nb['cells']):
        if cell['cell_type'] != 'code':
            continue
        source = ''.join(cell['source'])
        outputs = cell.get('outputs', [])
        text = json.dumps(outputs)
        where = f"{path.name} cell {i}"
        if any(o.get('output_type') == 'error' for o in outputs):
            problems.append(f"{where}: error")
        if 'is not installed' in text or 'No module named' in text:
            problems.append(f"{where}: a missing package: {text[:300]}")
        images = sum(1 for o in outputs if 'image/png' in o.get('data', {}))
        figures += images
        drew = 'plt.show()' in source
        # A cell that draws only when there is data says why it did not ("no ...", "... off").
        said_why = any(w in text for w in ('no duplicate', 'deduplication was off', 'identification was off',
                                          'no document was dropped'))
        if drew and images == 0 and not said_why:
            problems.append(f"{where}: draws a figure but shows none")
        if not outputs:
            problems.append(f"{where}: no output")
if problems:
    print('\n'.join(problems))
    sys.exit(1)
print(f"notebooks: all executed, {figures} figures, no errors")
PY
