#!/usr/bin/env bash
# nanoGPT's CPU configuration on Tiny Shakespeare (char-level, 4 layers, 4 heads, 128 dims,
# context 64, global batch 12, 2000 steps, AdamW cosine to a tenth of the peak, 100 warm-up
# steps, weight decay 0.1, beta2 0.99): a PyTorch reference and then this project's training job
# in Spark local[2] with parameter averaging, one after the other on the same machine, on the
# same token ids. Prints tokens/s of each, their ratio, and both models' validation and test
# losses, each over every target of its split.
# Splits: validation is nanoGPT's (the last 10% of the characters); the peak learning rate was
# chosen on it, so the test split is text neither run nor any choice looked at: the 5% before
# it, taken from nanoGPT's training 90% (both runs here train on the first 85%).
# References: benchmarks/torch_gpt_bins.py (the job's model in PyTorch, nanoGPT's recipe) on the
# preprocessing job's exported ids, scoring the whole splits; and, for speed only, the shared
# anchor ../shared/anchors/torch_gpt.py (nanoGPT's own split, loss on 20 random batches).
# Usage: benchmarks/gpt-vs-pytorch.sh [AVERAGING_FREQUENCY=10] [LEARNING_RATE=0.002]
#   (build first: mvn -DskipTests package; needs Debian's python3-torch, python3-numpy and
#   libopenblas0-pthread). PyTorch keeps nanoGPT's 1e-3; the averaged replicas (batch 6 each)
#   need a larger peak rate (min rate = peak / 10, as nanoGPT's).
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
t = open(sys.argv[1], encoding="utf-8").read(); test, val = int(len(t) * 0.85), int(len(t) * 0.9)
for name, part in (("train", t[:test]), ("test", t[test:val]), ("val", t[val:])):
    open(f"{sys.argv[2]}/{name}.txt", "w", encoding="utf-8").write(part)
PY
echo "machine: $(nproc) cores; $(uptime)"
"$ROOT/bin/preprocess" --config "$ROOT/conf/tinyshakespeare.conf" --input "$OUT/train.txt" --output "$OUT/data" \
  --set input-format=file --set export.token-files=true \
  --set split.validation-fraction=0 --set split.validation-input="$OUT/val.txt" \
  --set split.test-fraction=0 --set split.test-input="$OUT/test.txt" > "$OUT/preprocess.log" 2>&1
VOCAB=$(/usr/bin/python3 -c "import json; print(json.load(open('$OUT/data/manifest.json'))['tokenizer']['vocab_size'])")

if [ -f "$ANCHOR" ]; then
  /usr/bin/python3 "$ANCHOR" "$CORPUS" 2000 2 > "$OUT/anchor.log" 2>&1
  echo "shared anchor: $(tail -1 "$OUT/anchor.log")"
fi
/usr/bin/python3 "$ROOT/benchmarks/torch_gpt_bins.py" "$OUT/data" 2000 --vocab "$VOCAB" --context 64 --layers 4 \
  --heads 4 --embedding 128 --batch 12 --lr 1e-3 --warmup 100 --threads 2 > "$OUT/torch.log" 2>&1 \
  || { tail -20 "$OUT/torch.log"; exit 1; }
grep -E "tokens_per_s|loss .* over" "$OUT/torch.log"

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
  --jars "$ROOT/benchmarks/target/benchmarks.jar" "$ROOT/spark-job/target/sparklm-spark-job-0.1.0-SNAPSHOT-app.jar" "$OUT/data" 300 "${FIT[@]}" \
  spark.workers=2 > "$OUT/fit.log" 2>&1 || tail -20 "$OUT/fit.log"
grep -E "^(single-JVM|model:|fp32|single-JVM MFU)" "$OUT/fit.log"

/usr/bin/python3 - "$OUT" <<'PY'
import re, sys
out = sys.argv[1]
ours = open(f"{out}/train.log").read()
torch = open(f"{out}/torch.log").read()
a_tps = float(re.search(r"tokens_per_s=(\d+)", torch).group(1))
a_val = float(re.search(r"validation loss (\d+\.\d+)", torch).group(1))
a_test = float(re.search(r"test loss (\d+\.\d+)", torch).group(1))
o_tps = float(re.search(r"^train: .*?, ([\d,]+) tokens/s", ours, re.M).group(1).replace(",", ""))
o_val = float(re.findall(r"validation loss (\d+\.\d+)", ours)[-1])
o_test = float(re.search(r"^  test loss (\d+\.\d+)", ours, re.M).group(1))
print(f"PyTorch (torch_gpt_bins.py, same ids): {a_tps:,.0f} tokens/s, validation loss {a_val:.4f}, test loss {a_test:.4f}")
print(f"sparklm (Spark local[2], parameter averaging): {o_tps:,.0f} tokens/s, validation loss {o_val:.4f}, "
      f"test loss {o_test:.4f}")
print(f"speed: {o_tps / a_tps:.2f}x PyTorch")
try:
    shared = float(re.search(r"tokens_per_s=(\d+)", open(f"{out}/anchor.log").read()).group(1))
    print(f"shared anchor (torch_gpt.py): {shared:,.0f} tokens/s; sparklm {o_tps / shared:.2f}x it")
except (OSError, AttributeError):
    pass
fit = open(f"{out}/fit.log").read()
flops = float(re.search(r"training FLOPs per token: ([\d,]+)", fit).group(1).replace(",", ""))
peak = float(re.search(r"fp32 matmul peak: ([\d.]+) GFLOP/s", fit).group(1)) * 1e9
single = float(re.search(r"single-JVM fit: ([\d,]+) tokens/s", fit).group(1).replace(",", ""))
print(f"single-JVM DL4J fit(): {single:,.0f} tokens/s ({single / a_tps:.2f}x PyTorch)")
direct = re.search(r"single-JVM fit \(direct\): ([\d,]+) tokens/s", fit)
if direct:
    g = float(direct.group(1).replace(",", ""))
    print(f"single-JVM direct step (GptBackprop): {g:,.0f} tokens/s ({g / a_tps:.2f}x PyTorch)")
print(f"MFU against the measured {peak / 1e9:.0f} GFLOP/s fp32 peak: sparklm {100 * o_tps * flops / peak:.1f}%, "
      f"single JVM {100 * single * flops / peak:.1f}%, PyTorch {100 * a_tps * flops / peak:.1f}%")
PY
