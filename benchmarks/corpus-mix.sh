#!/usr/bin/env bash
# Builds the benchmark text: whole documents of ../shared/data/debian-text (built by its
# build.sh, outside the repository) in a fixed shuffled order, separated by blank lines, up to
# MEGABYTES. Usage: benchmarks/corpus-mix.sh DEBIAN_TEXT_DIR OUT_FILE [MEGABYTES=60]
set -euo pipefail
/usr/bin/python3 - "$1" "$2" "${3:-60}" <<'PY'
import os, random, sys
root, out_path, mb = os.path.join(sys.argv[1], "text"), sys.argv[2], int(sys.argv[3])
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs)
random.Random(0).shuffle(files)   # every source mixed in, the same order every time
total = n = 0
with open(out_path, "w", encoding="utf-8") as out:
    for f in files:
        text = open(f, encoding="utf-8").read().strip()
        if not text:
            continue
        out.write(text + "\n\n")
        total += len(text.encode()) + 2
        n += 1
        if total >= mb * 1_000_000:
            break
print(f"{out_path}: {n} documents, {total:,} bytes")
PY
sha256sum "$2"
