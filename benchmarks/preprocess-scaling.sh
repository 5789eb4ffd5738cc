#!/usr/bin/env bash
# Preprocessing time and driver memory against corpus size: the job on a quarter, a half and all
# of debian-text's text/ (or html/: KIND=html; subsets of about equal bytes, whole files dealt
# largest first), with the default filters and an 8,192-token BPE.
# Usage: [KIND=text|html] benchmarks/preprocess-scaling.sh DEBIAN_TEXT_DIR [OUT_DIR=/tmp/sparklm-preprocess-scaling] [CORES=2]
# Prints per size: input bytes, wall time (with JVM start; the mean of ROUNDS=2 runs made in
# alternating order), job phases, MB/s per core, driver peak heap and process RSS (the largest);
# then the straight line through the quarter and all runs and how far the half run is from it.
# Build first (mvn -DskipTests package); run on a quiet machine.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CORPUS="$(cd "$1" && pwd)"
OUT="${2:-/tmp/sparklm-preprocess-scaling}"
CORES="${3:-2}"
KIND="${KIND:-text}"
FORMAT=file; [[ $KIND == html ]] && FORMAT=html
mkdir -p "$OUT"
echo "corpus: $CORPUS, manifest sha256 $(sha256sum "$CORPUS/MANIFEST.tsv" | cut -c1-64)"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(uptime)"
/usr/bin/python3 - "$CORPUS/$KIND" "$OUT" <<'PY'
import os, shutil, sys
src, out = sys.argv[1], sys.argv[2]
files = []
for root, dirs, names in os.walk(src):
    for n in names:
        if not n.startswith((".", "_")):
            p = os.path.join(root, n)
            files.append((os.path.getsize(p), p))
files.sort(reverse=True)
groups, load = [[] for _ in range(4)], [0] * 4
for size, p in files:
    g = load.index(min(load))
    groups[g].append(p)
    load[g] += size
for name, parts in (("quarter", [0]), ("half", [0, 1])):
    d = os.path.join(out, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for g in parts:
        for p in groups[g]:
            shutil.copyfile(p, os.path.join(d, os.path.relpath(p, src).replace("/", "__")))
PY
# Rounds alternate the order (quarter half all, then all half quarter, ...) and each size's
# figure is the mean of its runs: a machine whose speed drifts during the benchmark (these VMs
# move by a quarter within an hour) then shifts all sizes alike instead of bending the line.
ROUNDS="${ROUNDS:-2}"
for ((r = 1; r <= ROUNDS; r++)); do
  order="quarter half all"; (( r % 2 == 0 )) && order="all half quarter"
  for name in $order; do
    input="$OUT/$name"; [[ $name == all ]] && input="$CORPUS/$KIND"
    rm -rf "$OUT/$name-out"
    /usr/bin/time -v -o "$OUT/$name.$r.time" "$ROOT/bin/preprocess" --master "local[$CORES]" --driver-memory 4g -- \
      --input "$input" --output "$OUT/$name-out" --set input-format=$FORMAT --set tokenizer.type=bpe \
      > "$OUT/$name.log" 2>&1 || { tail -30 "$OUT/$name.log"; exit 1; }
    cp "$OUT/$name-out/stats.json" "$OUT/$name.$r.stats.json"
  done
done
/usr/bin/python3 - "$OUT" "$CORES" "$ROUNDS" <<'PY'
import json, re, sys
out, cores, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = []
for name in ("quarter", "half", "all"):
    walls, jobs, heaps, rsss = [], [], [], []
    for r in range(1, rounds + 1):
        s = json.load(open(f"{out}/{name}.{r}.stats.json"))
        t = open(f"{out}/{name}.{r}.time").read()
        walls.append(sum(float(x) * 60 ** i for i, x in enumerate(reversed(
            re.search(r"Elapsed \(wall clock\) time.*: (\S+)", t).group(1).split(":")))))
        rsss.append(int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024)
        jobs.append(sum(s["phase_seconds"].values()))
        heaps.append(s["peak_memory_bytes"]["driver_heap"] / 2**20)
    mb = s["input_bytes"] / 1e6
    wall, job = sum(walls) / rounds, sum(jobs) / rounds
    rows.append((name, mb, wall, job))
    print(f"{name:8s} {mb:6.1f} MB  wall {wall:6.1f} s (runs {', '.join(f'{w:.1f}' for w in walls)}; "
          f"{mb / wall / cores:.2f} MB/s per core)  job phases {job:6.1f} s"
          f"  driver peak heap {max(heaps):5.0f} MiB  RSS {max(rsss):5.0f} MiB  kept {s['documents_kept']:,}")
for col, label in ((2, "wall"), (3, "job phases")):
    (_, x0, *a), (_, x1, *b), (_, x2, *c) = rows
    y0, y1, y2 = a[col - 2], b[col - 2], c[col - 2]
    slope = (y2 - y0) / (x2 - x0)
    fixed = y0 - slope * x0
    print(f"{label}: {fixed:.1f} s fixed + {slope * 1000:.1f} s per GB (through quarter and all); "
          f"half measured {y1:.1f} s, line says {fixed + slope * x1:.1f} s ({(y1 / (fixed + slope * x1) - 1) * 100:+.1f}%)")
PY
