#!/usr/bin/env bash
# The preprocessing job run RUNS times over the same input in one JVM (WarmPreprocess): the first
# run is what a user gets from bin/preprocess (a fresh JVM); the later runs show what the same
# job takes once the JVM has loaded and compiled its code, i.e. what the JVM's warm-up costs.
# Usage: benchmarks/preprocess-warm.sh INPUT_DIR [RUNS=3] [CORES=2] [OUT_DIR=/tmp/sparklm-preprocess-warm]
#   e.g. the debian-text corpus's text/ (../shared/data/debian-text/build.sh, outside the repository).
# Same settings as benchmarks/preprocess.sh's text run (one document per file, BPE 8,192) and the
# same JVM options as bin/preprocess. Build first: mvn -DskipTests package. Quiet machine (`uptime`).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bin/job-common.sh"
INPUT="$(cd "$1" && pwd)"
RUNS="${2:-3}"
CORES="${3:-2}"
OUT="${4:-/tmp/sparklm-preprocess-warm}"
rm -rf "$OUT"
mkdir -p "$OUT"
echo "input: $INPUT; machine: $(nproc) cores; $(uptime)"
start=$(date +%s.%N)
SPARKLM_JOB_JVM_OPTS="$PREPROCESS_JVM_OPTS" "$ROOT/bin/spark-submit" --master "local[$CORES]" --driver-memory 4g \
  --class dev.sparklm.bench.WarmPreprocess --jars "$ROOT/benchmarks/target/benchmarks.jar" "$PREPROCESS_JAR" \
  "$INPUT" "$OUT" "$RUNS" input-format=file tokenizer.type=bpe > "$OUT/log" 2>&1 \
  || { tail -30 "$OUT/log"; exit 1; }
wall=$(echo "$(date +%s.%N) - $start" | bc)
bytes=$(python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['input_bytes'])" "$OUT/run1/stats.json")
echo "input bytes read by the job: $bytes"
grep '\[bench\] run' "$OUT/log" | while read -r _ _ run secs _; do
  printf "run %s %6.2f s  %5.2f MB/s per core\n" "${run%:}" "$secs" "$(echo "$bytes / 1000000 / $secs / $CORES" | bc -l)"
done
printf "JVM process %.1f s wall (all runs, with the JVM's and Spark's start)\n" "$wall"
counts() {   # a run's stats.json without its timings and memory: what must not change run to run
  python3 -c "import json, sys
s = json.load(open(sys.argv[1]))
for k in ('phase_seconds', 'peak_memory_bytes'): s.pop(k, None)
for st in s['stages']:
    for k in ('cpu_seconds', 'wall_seconds'): st.pop(k, None)
print(json.dumps(s, sort_keys=True))" "$1"
}
for r in $(seq 2 "$RUNS"); do
  if [[ $(counts "$OUT/run1/stats.json") == "$(counts "$OUT/run$r/stats.json")" ]]; then
    echo "run $r: the same counts as run 1 (stats.json)"
  else
    echo "run $r: stats.json counts DIFFER from run 1"
  fi
done
