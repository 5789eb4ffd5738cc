#!/usr/bin/env bash
# nanoGPT's CPU configuration on Tiny Shakespeare (char-level, first 90% train / last 10%
# validation, 4 layers, 4 heads, 128 dims, context 64, global batch 12, 2000 steps, AdamW
# cosine to a tenth of the peak, 100 warm-up steps, weight decay 0.1, beta2 0.99): the PyTorch anchor
# (../shared/anchors/torch_gpt.py, needs Debian's python3-torch and libopenblas0-pthread) and
# then this project's training job in Spark local[2] with parameter averaging, one after the
# other on the same machine. Prints tokens/s of each, their ratio, and both validation losses.
# Usage: benchmarks/gpt-vs-pytorch.sh [AVERAGING_FREQUENCY=10] [LEARNING_RATE=0.002]
#   (build first: mvn -DskipTests package). The anchor keeps nanoGPT's 1e-3; the averaged
#   replicas (batch 6 each) need a larger peak rate (min rate = peak / 10, as nanoGPT's).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ANCHOR="${ANCHOR:-$ROOT/../shared/anchors/torch_gpt.py}"
FREQ="${1:-10}"
LR="${2:-0.002}"
MIN_LR=$(/usr/bin/python3 -c "print($LR / 10)")
OUT=$(mktemp -d)
CORPUS="$ROOT/data/tinyshakespeare/input.txt"
/usr/bin/python3 - "$CORPUS" "$OUT" <<'PY'
import sys
t = open(sys.argv[1], encoding="utf-8").read(); n = int(len(t) * 0.9)
open(f"{sys.argv[2]}/train.txt", "w", encoding="utf-8").write(t[:n])
open(f"{sys.argv[2]}/val.txt", "w", encoding="utf-8").write(t[n:])
PY
echo "machine: $(nproc) cores; $(uptime)"
/usr/bin/python3 "$ANCHOR" "$CORPUS" 2000 2 > "$OUT/anchor.log" 2>&1
tail -2 "$OUT/anchor.log"

"$ROOT/bin/preprocess" --config "$ROOT/conf/tinyshakespeare.conf" --input "$OUT/train.txt" --output "$OUT/data" \
  --set input-format=file \
  --set split.validation-fraction=0 --set split.validation-input="$OUT/val.txt" > "$OUT/preprocess.log" 2>&1
echo "machine: $(uptime)"
MODEL=(model.type=gpt model.embedding=128 model.layers=4 model.heads=4 spark.batch-size-per-worker=6
  optimizer.learning-rate="$LR" optimizer.min-learning-rate="$MIN_LR" optimizer.warmup-steps=100
  optimizer.decay=cosine optimizer.weight-decay=0.1 optimizer.beta2=0.99)
SETS=(); for kv in "${MODEL[@]}"; do SETS+=(--set "$kv"); done
# Driver heap 2 GB: in local mode the driver JVM is also the executors'.
/usr/bin/time -v -o "$OUT/train.time" "$ROOT/bin/train" --master 'local[2]' --driver-memory 2g -- \
  --data "$OUT/data" --output "$OUT/run" "${SETS[@]}" --set spark.averaging-frequency="$FREQ" \
  --set max-steps=2000 --set epochs=2 --set log-every-rounds=20 --set evaluation.every-rounds=20 \
  --set spark.collect-stats=true > "$OUT/train.log" 2>&1
echo "validation curve (step: loss):" $(/usr/bin/python3 -c "
import json; print(', '.join(f\"{r['step']}: {r['val_loss']:.4f}\" for r in map(json.loads, open('$OUT/run/metrics.jsonl'))))")
grep -E "validation loss|^train:|parameter averaging:|peak JVM heap" "$OUT/train.log" | tail -5
echo "train process max RSS: $(awk -F': ' '/Maximum resident/ {printf "%.0f MiB", $2 / 1024}' "$OUT/train.time")"

# The same model and global batch (12) in one plain JVM: DL4J fit() without Spark, on both
# cores (OMP_NUM_THREADS=2, as the anchor's 2 threads; Spark workers get 1 thread each).
FIT=(); for kv in "${MODEL[@]}"; do FIT+=("$kv"); done
OMP_NUM_THREADS=$(nproc) "$ROOT/bin/spark-submit" --master 'local[2]' --driver-memory 2g --class dev.sparklm.train.FitBenchmark \
  "$ROOT/spark-job/target/sparklm-spark-job-0.1.0-SNAPSHOT-app.jar" "$OUT/data" 300 "${FIT[@]}" \
  spark.workers=2 > "$OUT/fit.log" 2>&1 || tail -20 "$OUT/fit.log"
grep -E "^(single-JVM|model:|fp32|single-JVM MFU)" "$OUT/fit.log"

/usr/bin/python3 - "$OUT" <<'PY'
import re, sys
out = sys.argv[1]
anchor = open(f"{out}/anchor.log").read()
ours = open(f"{out}/train.log").read()
a_tps = float(re.search(r"tokens_per_s=(\d+)", anchor).group(1))
a_val = float(re.findall(r"val (\d+\.\d+)", anchor)[-1])
o_tps = float(re.search(r"^train: .*?, ([\d,]+) tokens/s", ours, re.M).group(1).replace(",", ""))
o_val = float(re.findall(r"validation loss (\d+\.\d+)", ours)[-1])
print(f"PyTorch anchor: {a_tps:,.0f} tokens/s, validation loss {a_val:.4f}")
print(f"sparklm (Spark local[2], parameter averaging): {o_tps:,.0f} tokens/s, validation loss {o_val:.4f}")
print(f"speed: {o_tps / a_tps:.2f}x the anchor")
fit = open(f"{out}/fit.log").read()
flops = float(re.search(r"training FLOPs per token: ([\d,]+)", fit).group(1).replace(",", ""))
peak = float(re.search(r"fp32 matmul peak: ([\d.]+) GFLOP/s", fit).group(1)) * 1e9
single = float(re.search(r"single-JVM fit: ([\d,]+) tokens/s", fit).group(1).replace(",", ""))
print(f"single-JVM DL4J fit(): {single:,.0f} tokens/s ({single / a_tps:.2f}x the anchor)")
print(f"MFU against the measured {peak / 1e9:.0f} GFLOP/s fp32 peak: sparklm {100 * o_tps * flops / peak:.1f}%, "
      f"single JVM {100 * single * flops / peak:.1f}%, PyTorch {100 * a_tps * flops / peak:.1f}%")
PY
