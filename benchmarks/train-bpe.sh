#!/usr/bin/env bash
# BPE training: our trainer (bin/tokenizer train) against HuggingFace tokenizers' Rust trainer
# (npm tokenizers, in hf-compat/) and SentencePiece's spm_train --model_type=bpe (Debian package
# sentencepiece) with the same vocabulary size on the same text, one after the other. Prints
# wall time and peak memory (max RSS) of each. HuggingFace's npm binding trains only with its
# default trainer (vocabulary 30,000, all threads): its line is printed for VOCAB_SIZE=30000 only.
# Usage: benchmarks/train-bpe.sh TEXT_FILE [VOCAB_SIZE=30000]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TEXT="$1"
VOCAB="${2:-30000}"
HERE="$ROOT/benchmarks/hf-compat"
OUT=$(mktemp -d)
command -v spm_train >/dev/null || { echo "error: spm_train missing: apt-get install sentencepiece" >&2; exit 2; }
echo "text: $TEXT ($(stat -c %s "$TEXT") bytes), vocabulary $VOCAB, $(nproc) cores; $(uptime)"

/usr/bin/time -v "$ROOT/bin/tokenizer" train --vocab-size "$VOCAB" --min-frequency 2 -o "$OUT/ours" "$TEXT" \
  2> "$OUT/ours.log" >/dev/null
if [[ $VOCAB == 30000 ]]; then
  (cd "$HERE" && npm install --silent --no-audit --no-fund >/dev/null)
  /usr/bin/time -v node "$HERE/train-merges.mjs" "$TEXT" 0 "$OUT/hf.merges" > /dev/null 2> "$OUT/hf.log"
fi
/usr/bin/time -v spm_train --input="$TEXT" --model_prefix="$OUT/spm" --vocab_size="$VOCAB" --model_type=bpe \
  --num_threads="$(nproc)" --minloglevel=1 > /dev/null 2> "$OUT/spm.log"

/usr/bin/python3 - "$OUT" <<'PY'
import re, sys
out = sys.argv[1]
def measure(name):
    log = open(f"{out}/{name}.log").read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", log).group(1)
    parts = [float(p) for p in wall.split(":")]
    seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", log).group(1)) / 1024
    return seconds, rss
ours, spm = measure("ours"), measure("spm")
print(f"ours (bin/tokenizer train, 1 thread): {ours[0]:7.1f} s, peak RSS {ours[1]:7.0f} MB")
import os
if os.path.exists(f"{out}/hf.log"):
    hf = measure("hf")
    print(f"HuggingFace tokenizers (npm, Rust):   {hf[0]:7.1f} s, peak RSS {hf[1]:7.0f} MB")
    print(f"speed: {hf[0] / ours[0]:.2f}x HuggingFace's trainer (wall time ratio); memory: {ours[1] / hf[1]:.2f}x its")
print(f"spm_train --model_type=bpe:           {spm[0]:7.1f} s, peak RSS {spm[1]:7.0f} MB")
print(f"speed: {spm[0] / ours[0]:.2f}x spm_train (wall time ratio); memory: {ours[1] / spm[1]:.2f}x spm_train's")
for line in open(f"{out}/ours.log"):
    if line.startswith(("counted", "trained")):
        print("  ours: " + line.strip())
PY
