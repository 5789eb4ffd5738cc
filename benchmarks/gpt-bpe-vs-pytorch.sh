#!/usr/bin/env bash
# The GPT on the preprocessing job's own BPE shards, against the same model in PyTorch on the
# same token ids, one after the other on the same machine.
#
# Usage: benchmarks/gpt-bpe-vs-pytorch.sh DATA_DIR [STEPS=60] [OUT=/tmp/sparklm-gpt-bpe]
#   DATA_DIR: the preprocessing job's output with export.token-files = true (train.bin / val.bin
#   beside the Parquet shards), e.g. debian-text text/ with an 8k BPE and context 256:
#     bin/preprocess --master 'local[2]' -- --input DEBIAN_TEXT/text --output DATA_DIR \
#       --set input-format=file --set tokenizer.type=bpe --set context=256 --set export.token-files=true
#   Needs Debian's python3-torch, python3-numpy and libopenblas0-pthread; build first
#   (mvn -DskipTests package). Run on a quiet machine (check `uptime`).
# Model: 4 layers x 256 wide, 4 heads, the shards' context and vocabulary; global batch 16
# (2 workers x 8 in Spark local[2], averaging every 10 steps; 16 in PyTorch on 2 threads);
# AdamW peak 1e-3, 10 warm-up steps, cosine to 1e-4, weight decay 0.1, beta2 0.99, clip 1.0.
# Prints tokens/s of both, their ratio, both validation losses (every validation target once),
# and peak memory: the training job's driver heap and process RSS, PyTorch's RSS.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$(cd "$1" && pwd)"
STEPS="${2:-60}"
OUT="${3:-/tmp/sparklm-gpt-bpe}"
rm -rf "$OUT"; mkdir -p "$OUT"
read -r VOCAB CONTEXT < <(/usr/bin/python3 -c "
import json; m = json.load(open('$DATA/manifest.json')); print(m['tokenizer']['vocab_size'], m['context'])")
echo "data: $DATA (vocabulary $VOCAB, context $CONTEXT); machine: $(nproc) cores; $(uptime)"

/usr/bin/time -v -o "$OUT/torch.time" /usr/bin/python3 "$ROOT/benchmarks/torch_gpt_bins.py" "$DATA" "$STEPS" \
  --vocab "$VOCAB" --context "$CONTEXT" --layers 4 --heads 4 --embedding 256 --batch 16 --lr 1e-3 --warmup 10 \
  --threads 2 > "$OUT/torch.log" 2>&1 || { tail -20 "$OUT/torch.log"; exit 1; }
tail -2 "$OUT/torch.log"

echo "machine: $(uptime)"
/usr/bin/time -v -o "$OUT/train.time" "$ROOT/bin/train" --master 'local[2]' --driver-memory 4g -- \
  --data "$DATA" --output "$OUT/run" --set model.type=gpt --set model.embedding=256 --set model.layers=4 \
  --set model.heads=4 --set spark.batch-size-per-worker=8 --set spark.averaging-frequency=10 \
  --set optimizer.learning-rate=0.001 --set optimizer.min-learning-rate=0.0001 --set optimizer.warmup-steps=10 \
  --set optimizer.decay=cosine --set optimizer.weight-decay=0.1 --set optimizer.beta2=0.99 \
  --set max-steps="$STEPS" --set epochs=100 --set log-every-rounds=1 "${@:4}" > "$OUT/train.log" 2>&1 \
  || { tail -30 "$OUT/train.log"; exit 1; }
grep -E "^train:|validation loss|peak JVM heap" "$OUT/train.log" | tail -4

/usr/bin/python3 - "$OUT" <<'PY'
import re, sys
out = sys.argv[1]
torch, ours = open(f"{out}/torch.log").read(), open(f"{out}/train.log").read()
rss = lambda f: int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(f).read()).group(1)) / 1024
t_tps = float(re.search(r"tokens_per_s=(\d+)", torch).group(1))
t_val = float(re.search(r"validation loss (\d+\.\d+)", torch).group(1))
o_tps = float(re.search(r"^train: .*?, ([\d,]+) tokens/s", ours, re.M).group(1).replace(",", ""))
o_val = float(re.findall(r"validation loss (\d+\.\d+)", ours)[-1])
heap = re.search(r"peak JVM heap: driver (\d+) MiB of (\d+) MiB", ours)
print(f"PyTorch: {t_tps:,.0f} tokens/s, validation loss {t_val:.4f}, peak RSS {rss(out + '/torch.time'):,.0f} MiB")
print(f"sparklm (Spark local[2], 2 workers x 8, averaging every 10): {o_tps:,.0f} tokens/s, validation loss {o_val:.4f}, "
      f"driver heap peak {heap.group(1)} of {heap.group(2)} MiB, process RSS {rss(out + '/train.time'):,.0f} MiB")
print(f"speed: {o_tps / t_tps:.2f}x PyTorch")
PY
