#!/usr/bin/env bash
# Writes spark-job/target/spark-local.jsa, the class data sharing archive bin/spark-submit maps
# into every JVM it starts (mvn package runs this, after the application jars are built).
# The archive holds the classes a local preprocessing run of the bundled corpus loads (the JDK's
# and those of Spark's classpath), parsed and verified: the JVM then starts Spark without reading
# them from ~200 jars. Three steps: the run lists the classes it loads; CdsClassList.java keeps
# those whose class files the JVM can find again (a JVM with JFR or a Java agent crashes on the
# others, see there); the JVM writes a static archive of them. Nothing depends on the archive:
# if this fails, the build goes on and the jobs start as before. The dump's heap is bin/spark-submit's
# default (4g): the JVM uses an archive only with the compressed-pointer mode it was written with,
# and a large machine's default heap (over 32 GB) would turn that mode off.
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
if SPARKLM_CDS_ARCHIVE='' SPARKLM_JAVA_OPTS="${SPARKLM_JAVA_OPTS:-} -XX:DumpLoadedClassList=$work/classes.lst" \
     bin/preprocess --config conf/tinyshakespeare.conf --output "$work/data" >"$work/log" 2>&1 \
   && java "$ROOT/spark-job/src/build/CdsClassList.java" "$target/spark-classpath.txt" \
        "$work/classes.lst" "$work/archived.lst" >>"$work/log" 2>&1 \
   && java -Xmx4g -Xshare:dump -XX:SharedClassListFile="$work/archived.lst" -XX:SharedArchiveFile="$work/spark-local.jsa" \
        -cp "$(cat "$target/spark-classpath.txt")" >>"$work/log" 2>&1 \
   && [[ -s $work/spark-local.jsa ]]; then
  mv "$work/spark-local.jsa" "$archive"
  echo "cds-archive: $archive ($(du -m "$archive" | cut -f1) MB, $(( $(date +%s) - start )) s; $(grep -o '[0-9]* classes kept' "$work/log"))"
else
  echo "cds-archive: WARNING: no archive written (the jobs start without one); the log:" >&2
  tail -20 "$work/log" >&2
fi
