#!/usr/bin/env bash
# GPT-2 encode throughput, ours vs JTokkit's r50k_base, 1 and 2 threads, one JMH run.
# Usage: benchmarks/encode.sh [TEXT_FILE] [MEGABYTES]   (default: the bundled Tiny Shakespeare)
# Build first: mvn -DskipTests package. Run on a quiet machine (check `uptime`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TEXT="${1:-$ROOT/data/tinyshakespeare/input.txt}"
MB="${2:-20}"
OUT=$(mktemp -d)
for threads in 1 2; do
  java -Dbench.text="$TEXT" -Dbench.megabytes="$MB" -jar "$ROOT/benchmarks/target/benchmarks.jar" EncodeBenchmark \
    -t "$threads" -f 1 -wi 3 -i 5 -w 5s -r 5s -jvmArgs "-Xmx4g -Dbench.text=$TEXT -Dbench.megabytes=$MB" \
    -rf json -rff "$OUT/t$threads.json" > "$OUT/t$threads.log"
  grep '\[bench\]' "$OUT/t$threads.log" | head -1
done
/usr/bin/python3 - "$OUT" "$TEXT" "$MB" <<'PY'
import json, sys, os
out, text, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
size = min(os.path.getsize(text), mb * 1_000_000)  # approximate for multi-byte text; the log line has the exact bytes
print(f"text: {text}, ~{size/1e6:.1f} MB per operation")
rows = {}
for t in (1, 2):
    for r in json.load(open(f"{out}/t{t}.json")):
        impl = r["params"]["impl"]
        ms = r["primaryMetric"]["score"]; err = r["primaryMetric"]["scoreError"]
        rows[(impl, t)] = (t * size / 1e6) / (ms / 1000), ms, err
for t in (1, 2):
    base = rows[("jtokkit", t)][0]
    for impl in ("jtokkit", "ours", "ours-nocache"):
        mbs, ms, err = rows[(impl, t)]
        print(f"threads={t} {impl:13s} {mbs:7.1f} MB/s  ({ms:8.1f} ± {err:6.1f} ms/op)  {mbs/base:5.2f}x JTokkit")
PY
# The figure a user gets: one pass over text the encoder has not seen (a new encoder, an empty
# chunk cache) after a JIT warm-up on other text; the JMH runs above encode the same text again.
java -Xmx4g -cp "$ROOT/benchmarks/target/benchmarks.jar" dev.sparklm.bench.EncodeOnePass "$TEXT" 5 "$MB" 2>/dev/null
