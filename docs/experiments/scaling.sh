#!/usr/bin/env bash
# The measured parts of docs/benchmarks.md's scaling model: `mbmrl bench --scaling` on
# local-cluster with 1, 2 and 4 executor JVMs (one core each), W1's model and the demo's,
# then the model's curves (scaling_model.py). Executors are started from the project's own
# jars: SPARK_HOME with an empty jars/ and the driver's class path on the executors, as the
# tests' local-cluster sessions do. Usage: docs/experiments/scaling.sh [OUT_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-${TMPDIR:-/tmp}/mbmrl-scaling}"
mkdir -p "$out/spark-home/jars"
"$here/bin/mbmrl" --version > /dev/null  # builds the project if needed
cp_driver="$here/driver/target/mbmrl-driver-0.1.0-SNAPSHOT.jar:$(cat "$here/driver/target/classpath.txt")"
export SPARK_HOME="$out/spark-home" SPARK_SCALA_VERSION=2.12
: > "$out/scaling.csv"
for executors in 1 2 4; do
  for hidden in 512,512,512 64,64; do
    MBMRL_JAVA_OPTS="-Xmx3g -Dspark.executor.extraClassPath=$cp_driver" \
      "$here/bin/mbmrl" bench --scaling --scaling-slots "$executors" --scaling-hidden "$hidden" --master "local-cluster[$executors,1,1024]" \
      | tee "$out/scaling-$executors-$hidden.txt" | grep '^SCALING' >> "$out/scaling.csv"
  done
done
python3 "$here/docs/experiments/scaling_model.py" "$out/scaling.csv"
