#!/usr/bin/env bash
# Interoperability: tokenizer.json files written here load in HuggingFace's tokenizers.js
# (npm @huggingface/tokenizers) and give the same ids on the same text.
# Usage: benchmarks/hf-compat/check.sh [TEXT_FILE]  (build first: mvn -DskipTests package)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
TEXT="${1:-$ROOT/data/tinyshakespeare/input.txt}"
TMP=$(mktemp -d)
(cd "$HERE" && npm install --silent --no-audit --no-fund >/dev/null)
head -c 300000 "$TEXT" | iconv -f utf-8 -t utf-8 -c > "$TMP/sample.txt"
cat >> "$TMP/sample.txt" <<'TORTURE'
Héllo wörld — naïve café; 日本語のテキスト、中文，한국어. Family 👨‍👩‍👧‍👦 flags 🇫🇷 👍🏽 é
   three spaces	and	tabs	  mixed  nbsp em ideographic　end
I'm you're he's we've they'll she'd I'M YOU'RE HE'S 's 't ''s x's   's
Numbers 0 12 345 6789 1,234.56 ١٢٣ ½ Ⅻ 𝐀𝐁𝐂 <|endoftext|> as text

TORTURE

# 1. A BPE trained here.
"$ROOT/bin/tokenizer" train --vocab-size 4000 -o "$TMP/trained" "$TEXT" 2>/dev/null
# 2. GPT-2's vocabulary, from JTokkit's r50k_base ranks, converted to tokenizer.json here.
JTOKKIT=$(find ~/.m2 -name 'jtokkit-*.jar' | sort | tail -1)
unzip -o -q "$JTOKKIT" com/knuddels/jtokkit/r50k_base.tiktoken -d "$TMP"
"$ROOT/bin/tokenizer" convert -t "$TMP/com/knuddels/jtokkit/r50k_base.tiktoken" --special '<|endoftext|>=50256' -o "$TMP/gpt2" 2>/dev/null

for dir in trained gpt2; do
  # HuggingFace always matches added special tokens in the text: our ALLOW policy.
  "$ROOT/bin/tokenizer" encode --special ALLOW -t "$TMP/$dir/tokenizer.json" "$TMP/sample.txt" > "$TMP/$dir.ids"
  node "$HERE/check.mjs" "$TMP/$dir/tokenizer.json" "$TMP/sample.txt" "$TMP/$dir.ids"
done
