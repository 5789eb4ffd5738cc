#!/usr/bin/env bash
# The whole preprocessing job in Spark local mode on real text, with figures per stage.
# Usage: benchmarks/preprocess.sh DEBIAN_TEXT_DIR [OUT_DIR=/tmp/sparklm-preprocess-bench] [CORES=2]
#   DEBIAN_TEXT_DIR: built by ../shared/data/debian-text/build.sh (outside the repository).
# Three runs: text/ (114 MB, 6,193 plain-text documents, one per file) with a byte-level BPE of
# 8,192 tokens; html/ (55 MB of HTML pages, one per file) through the jsoup stage; text/ again
# without the web-text filters. ONLY=wiki: text/ as one bzip2-compressed MediaWiki dump (a page
# per file, built once into OUT_DIR/wiki-input; 28 MB), the single-file dump that is split at
# bzip2 blocks. ONLY=copies: text/ COPIES=9 times (hard or symbolic links in OUT_DIR/copies-input, 1 GB),
# with the filters and without: a large input whose copies exact dedup removes.
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

ONLY="${ONLY:-text html unfiltered}"   # e.g. ONLY=text runs one of them; ONLY=wiki the dump

# text/ as a MediaWiki dump: one page per file (sorted by path), ids 1..n, bzip2 -9.
wiki_dump() {   # TEXT_DIR DUMP
  mkdir -p "$(dirname "$2")"
  /usr/bin/python3 - "$1" "${2%.bz2}" <<'PY'
import html, os, sys
root, out = sys.argv[1], sys.argv[2]
paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs)
def xml_chars(t):   # XML 1.0 cannot hold other control characters, surrogates or U+FFFE/FFFF
    return "".join(c for c in t if c in "\t\n\r" or (ord(c) >= 32 and not 0xD800 <= ord(c) <= 0xDFFF and ord(c) not in (0xFFFE, 0xFFFF)))
with open(out, "w", encoding="utf-8") as f:
    f.write('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" xml:lang="en">\n  <siteinfo>\n    <sitename>debian-text</sitename>\n  </siteinfo>\n')
    for i, p in enumerate(paths):
        t = xml_chars(open(p, encoding="utf-8", errors="replace").read())
        f.write(f'  <page>\n    <title>{html.escape(os.path.relpath(p, root))}</title>\n    <ns>0</ns>\n    <id>{i + 1}</id>\n'
                f'    <revision>\n      <id>{100000 + i}</id>\n      <parentid>{99999 + i}</parentid>\n'
                f'      <text bytes="{len(t.encode())}" xml:space="preserve">{html.escape(t, quote=False)}</text>\n    </revision>\n  </page>\n')
    f.write("</mediawiki>\n")
PY
  bzip2 -9 "${2%.bz2}"
}
if [[ $ONLY == *wiki* ]]; then
  [[ -f $OUT/wiki-input/dump.xml.bz2 ]] || wiki_dump "$CORPUS/text" "$OUT/wiki-input/dump.xml.bz2"
  echo "wiki dump: $(stat -c %s "$OUT/wiki-input/dump.xml.bz2") bytes, sha256 $(sha256sum "$OUT/wiki-input/dump.xml.bz2" | cut -c1-16)"
  run wiki "$OUT/wiki-input" mediawiki --set tokenizer.type=bpe
fi
if [[ $ONLY == *text* ]]; then run text "$CORPUS/text" file --set tokenizer.type=bpe; fi
if [[ $ONLY == *html* ]]; then run html "$CORPUS/html" html --set tokenizer.type=bpe; fi
# The web-text filters drop most of this documentation corpus; without them, dedup, the
# tokenizer and packing see all 114 MB.
if [[ $ONLY == *unfiltered* ]]; then run unfiltered "$CORPUS/text" file --set tokenizer.type=bpe \
  --set filters.language.enabled=false --set filters.gopher-repetition.enabled=false \
  --set filters.gopher-quality.enabled=false --set filters.c4.enabled=false; fi
# A large input from the same documents: every copy passes the filters again, and dedup's exact
# stage takes all but one copy of each kept document (near-dedup signs only those).
if [[ $ONLY == *copies* ]]; then
  rm -rf "$OUT/copies-input"
  for ((c = 1; c <= ${COPIES:-9}; c++)); do mkdir -p "$OUT/copies-input"; cp -al "$CORPUS/text" "$OUT/copies-input/$c" 2>/dev/null || cp -as "$CORPUS/text" "$OUT/copies-input/$c"; done
  run copies "$OUT/copies-input" file --set tokenizer.type=bpe
  run copies-unfiltered "$OUT/copies-input" file --set tokenizer.type=bpe \
    --set filters.language.enabled=false --set filters.gopher-repetition.enabled=false \
    --set filters.gopher-quality.enabled=false --set filters.c4.enabled=false
fi
