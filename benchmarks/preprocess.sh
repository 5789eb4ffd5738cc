#!/usr/bin/env bash
# The whole preprocessing job in Spark local mode on real text, with figures per stage.
# Usage: benchmarks/preprocess.sh DEBIAN_TEXT_DIR [OUT_DIR=/tmp/sparklm-preprocess-bench] [CORES=2]
#   DEBIAN_TEXT_DIR: built by ../shared/data/debian-text/build.sh (outside the repository).
# Three runs: text/ (114 MB, 6,193 plain-text documents, one per file) with a byte-level BPE of
# 8,192 tokens; html/ (55 MB of HTML pages, one per file) through the jsoup stage; text/ again
# without the web-text filters.
# Prints MB/s per core overall and per stage, and peak memory. Build first:
# mvn -DskipTests package. Run on a quiet machine (check `uptime`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CORPUS="$(cd "$1" && pwd)"
OUT="${2:-/tmp/sparklm-preprocess-bench}"
CORES="${3:-2}"
mkdir -p "$OUT"
echo "corpus: $CORPUS, manifest sha256 $(sha256sum "$CORPUS/MANIFEST.tsv" | cut -c1-64)"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(uptime)"

run() {   # NAME INPUT FORMAT [extra job options]
  local name=$1 input=$2 format=$3; shift 3
  rm -rf "$OUT/$name"
  /usr/bin/time -v -o "$OUT/$name.time" "$ROOT/bin/preprocess" --master "local[$CORES]" --driver-memory 4g -- \
    --input "$input" --output "$OUT/$name" --set input-format="$format" "$@" \
    > "$OUT/$name.log" 2>&1 || { tail -30 "$OUT/$name.log"; exit 1; }
  /usr/bin/python3 - "$OUT/$name" "$OUT/$name.time" "$CORES" <<'PY'
import json, re, sys
out, timefile, cores = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = json.load(open(out + "/stats.json"))
t = open(timefile).read()
wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(
    re.search(r"Elapsed \(wall clock\) time.*: (\S+)", t).group(1).split(":"))))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) * 1024
mb = s["input_bytes"] / 1e6
job = sum(s["phase_seconds"].values())
print(f"\n== {out}: {s['input_files']} files, {mb:.1f} MB, format {s['input_format']}")
print(f"records {s['records']:,}, quarantined {sum(s['quarantined'].values())}, kept {s['documents_kept']:,}")
print(f"overall: {wall:.1f} s wall incl. JVM/Spark start-up ({mb / wall:.2f} MB/s, {mb / wall / cores:.2f} MB/s per core); "
      f"job phases {job:.1f} s ({mb / job / cores:.2f} MB/s per core)")
for phase, sec in s["phase_seconds"].items():
    print(f"  phase {phase:22s} {sec:7.1f} s wall")
print(f"  {'stage':18s} {'docs in':>8s} {'docs out':>8s} {'MB in':>8s} {'cpu s':>7s} {'MB/s/core':>9s}  dropped")
for st in s["stages"]:
    chars = st["counters"].get("chars", 0) / 1e6
    # Thread CPU time of the per-document stages; dedup runs Spark jobs of its own: wall time.
    sec = st["cpu_seconds"] if st.get("cpu_seconds") is not None else st.get("wall_seconds") or 0
    rate = f"{chars / sec:9.1f}" if sec > 0 and chars > 0 and st.get("cpu_seconds") is not None else " " * 9
    dropped = ", ".join(f"{k} {v}" for k, v in st["dropped"].items())
    print(f"  {st['name']:18s} {st['documents_in']:8,d} {st['documents_out']:8,d} {chars:8.1f} {sec:7.1f} {rate}  {dropped}")
sp = s["splits"]
print("  splits: " + ", ".join(f"{k} {v['documents']:,} docs / {v['tokens']:,} tokens" for k, v in sp.items()))
m = s["peak_memory_bytes"]
print(f"memory: process max RSS {rss / 2**20:.0f} MiB; driver peak heap {m['driver_heap'] / 2**20:.0f} MiB "
      f"of {m['driver_heap_max'] / 2**20:.0f}; executor peak heap (Spark metrics) {m['executor_heap'] / 2**20:.0f} MiB")
PY
}

ONLY="${ONLY:-text html unfiltered}"   # e.g. ONLY=text runs one of them
if [[ $ONLY == *text* ]]; then run text "$CORPUS/text" file --set tokenizer.type=bpe; fi
if [[ $ONLY == *html* ]]; then run html "$CORPUS/html" html --set tokenizer.type=bpe; fi
# The web-text filters drop most of this documentation corpus; without them, dedup, the
# tokenizer and packing see all 114 MB.
if [[ $ONLY == *unfiltered* ]]; then run unfiltered "$CORPUS/text" file --set tokenizer.type=bpe \
  --set filters.language.enabled=false --set filters.gopher-repetition.enabled=false \
  --set filters.gopher-quality.enabled=false --set filters.c4.enabled=false; fi
