# Shared by bin/preprocess, bin/train and bin/generate (sourced, not run).
# Usage: bin/<job> [spark-submit options --] [job options]
# Arguments before a lone "--" go to spark-submit (e.g. --master yarn --num-executors 4);
# the rest go to the job. Without "--", all arguments go to the job.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

run_job() {
  local class=$1 jar=$2; shift 2
  if [[ ! -f $jar ]]; then
    echo "error: $jar is missing: build first with 'mvn -DskipTests package' (or run bin/quickstart)" >&2
    exit 2
  fi
  local submit=() job=("$@")
  for ((i = 1; i <= $#; i++)); do
    if [[ ${!i} == "--" ]]; then
      submit=("${@:1:i-1}")
      job=("${@:i+1}")
      break
    fi
  done
  exec "$ROOT/bin/spark-submit" "${submit[@]}" --class "$class" "$jar" "${job[@]}"
}

# The commands that run mostly on the driver (generate, evaluate, inspect): Spark local mode with
# one core by default; spark-submit options before a lone "--" as for the jobs (evaluate --data on
# a cluster's executors: bin/evaluate --master yarn -- --data ... --checkpoint ...).
run_driver_job() {
  local class=$1 jar=$2; shift 2
  for a in "$@"; do
    [[ $a == "--" ]] && { run_job "$class" "$jar" "$@"; return; }
  done
  run_job "$class" "$jar" --master "local[1]" -- "$@"
}

# The JVM options bin/preprocess gives its local-mode JVM (see there).
PREPROCESS_JVM_OPTS="-XX:+UseParallelGC -XX:Tier4InvocationThreshold=15000 -XX:Tier4MinInvocationThreshold=2000 \
-XX:Tier4CompileThreshold=45000 -XX:Tier4BackEdgeThreshold=120000"
PREPROCESS_JAR="$ROOT/preprocessing/target/sparklm-preprocessing-0.1.0-SNAPSHOT-app.jar"
TRAIN_JAR="$ROOT/spark-job/target/sparklm-spark-job-0.1.0-SNAPSHOT-app.jar"
