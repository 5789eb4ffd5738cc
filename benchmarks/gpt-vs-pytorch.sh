#!/usr/bin/env bash
# nanoGPT's CPU configuration on Tiny Shakespeare (char-level, first 90% train / last 10%
# validation, 4 layers, 4 heads, 128 dims, context 64, global batch 12, 2000 steps, AdamW 1e-3
# -> 1e-4 cosine, 100 warm-up steps, weight decay 0.1, beta2 0.99): the PyTorch anchor
# (../shared/anchors/torch_gpt.py, needs Debian's python3-torch and libopenblas0-pthread) and
# then this project's training job in Spark local[2] with parameter averaging, one after the
# other on the same machine. Prints tokens/s of each, their ratio, and both validation losses.
# Usage: benchmarks/gpt-vs-pytorch.sh [AVERAGING_FREQUENCY=10]   (build first: mvn -DskipTests package)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ANCHOR="${ANCHOR:-$ROOT/../shared/anchors/torch_gpt.py}"
FREQ="${1:-10}"
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
"$ROOT/bin/train" --data "$OUT/data" --output "$OUT/run" --set model.type=gpt --set model.embedding=128 \
  --set model.layers=4 --set model.heads=4 --set spark.batch-size-per-worker=6 --set spark.averaging-frequency="$FREQ" \
  --set optimizer.learning-rate=0.001 --set optimizer.min-learning-rate=0.0001 --set optimizer.warmup-steps=100 \
  --set optimizer.decay=cosine --set optimizer.weight-decay=0.1 --set optimizer.beta2=0.99 \
  --set max-steps=2000 --set epochs=2 --set log-every-rounds=20 > "$OUT/train.log" 2>&1
grep -E "validation loss|^train:" "$OUT/train.log" | tail -3

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
PY
