#!/usr/bin/env bash
# Writes spark-job/target/spark-local.jsa, the class data sharing archive bin/spark-submit maps
# into every JVM it starts (mvn package runs this, after the application jars are built).
# The archive holds the classes a local preprocessing run of the bundled corpus loads (from
# Spark's classpath and the application jar), parsed and verified: the JVM then starts Spark
# without reading them from ~200 jars. Nothing depends on it: if this fails, the build goes on
# and the jobs start as before.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
target="$ROOT/spark-job/target"
archive="$target/spark-local.jsa"
work=$(mktemp -d "$target/cds.XXXXXX")
trap 'rm -rf "$work"' EXIT
rm -f "$archive"

cd "$ROOT"
unset SPARK_HOME   # the archive is for the JVM bin/spark-submit starts itself, without a Spark distribution
start=$(date +%s)
if SPARKLM_CDS_DUMP="$work/spark-local.jsa" bin/preprocess --config conf/tinyshakespeare.conf \
     --output "$work/data" >"$work/log" 2>&1 && [[ -s $work/spark-local.jsa ]]; then
  mv "$work/spark-local.jsa" "$archive"
  echo "cds-archive: $archive ($(du -m "$archive" | cut -f1) MB, $(( $(date +%s) - start )) s)"
else
  echo "cds-archive: WARNING: no archive written (the jobs start without one); the dump run's log:" >&2
  tail -20 "$work/log" >&2
fi
