#!/usr/bin/env bash
# Submits an mbmrl command to a Spark cluster with the settings this stack needs.
#
#   deploy/spark-submit.sh [spark-submit options] -- <mbmrl command> [command options]
#   deploy/spark-submit.sh --master spark://host:7077 --executor-cores 2 -- \
#       train --config deploy/configs/maml.yaml --set run_dir=hdfs:///runs/maml
#
# Needs spark-submit (Spark 3.5, Scala 2.12) on PATH or in $SPARK_HOME/bin, and the
# shaded jar built by `mvn -DskipTests package` (driver/target/mbmrl-driver-*-all.jar).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${MBMRL_JAR:-$(ls "$here"/driver/target/mbmrl-driver-*-all.jar 2>/dev/null | head -n 1)}"
if [[ -z "$jar" || ! -f "$jar" ]]; then
  echo "deploy/spark-submit.sh: no shaded jar; run 'mvn -B -DskipTests package' first (or set MBMRL_JAR)" >&2
  exit 2
fi
submit="spark-submit"
[[ -n "${SPARK_HOME:-}" ]] && submit="$SPARK_HOME/bin/spark-submit"

spark_args=()
while [[ $# -gt 0 && "$1" != "--" ]]; do spark_args+=("$1"); shift; done
[[ $# -gt 0 ]] && shift
if [[ $# -eq 0 ]]; then
  echo "usage: deploy/spark-submit.sh [spark-submit options] -- <mbmrl command> [options]" >&2
  exit 2
fi

# ND4J allocates its arrays off the JVM heap: cap JavaCPP's native memory and reserve it
# as executor memory overhead. Native threads follow spark.task.cpus (Spark exports
# OMP_NUM_THREADS to executors; mbmrl also sets ND4J's thread count per task).
offheap="${MBMRL_OFFHEAP:-2g}"
export MKL_THREADING_LAYER="${MKL_THREADING_LAYER:-GNU}"  # the driver's BLAS (MKL) threading, as executors'
exec "$submit" \
  --class org.mbmrl.driver.cli.Mbmrl \
  --conf spark.serializer=org.apache.spark.serializer.KryoSerializer \
  --conf spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator,org.mbmrl.driver.spark.MbmrlKryoRegistrator \
  --conf spark.task.maxDirectResultSize=64m \
  --conf spark.broadcast.compress=false \
  --conf spark.kryoserializer.buffer.max=512m \
  --conf spark.executor.memoryOverhead="$offheap" \
  --conf spark.executorEnv.MKL_THREADING_LAYER=GNU \
  --conf "spark.executor.extraJavaOptions=-Dorg.bytedeco.javacpp.maxbytes=$offheap -Dorg.bytedeco.javacpp.maxphysicalbytes=0" \
  --conf "spark.driver.extraJavaOptions=-Dorg.bytedeco.javacpp.maxbytes=$offheap -Dorg.bytedeco.javacpp.maxphysicalbytes=0" \
  "${spark_args[@]}" "$jar" "$@"
