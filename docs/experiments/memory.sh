#!/usr/bin/env bash
# The memory benchmark of docs/benchmarks.md: per family, a dataset of 1,000 train tasks x
# 2,000 transitions (20 episodes of 100 steps) generated in its own process, then
# `mbmrl bench --memory --memory-dataset` on local-cluster with two executor JVMs of one core
# and 1024 or 2048 MB each, so that the peaks are loading and training alone. Executors start
# from the project's own jars (SPARK_HOME with an empty jars/, the driver's class path on the
# executors), as the tests' local-cluster sessions do.
# Usage: docs/experiments/memory.sh [OUT_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-${TMPDIR:-/tmp}/mbmrl-memory}"
mkdir -p "$out/spark-home/jars"
"$here/bin/mbmrl" --version > /dev/null  # builds the project if needed
cp_driver="$here/driver/target/mbmrl-driver-0.1.0-SNAPSHOT.jar:$(cat "$here/driver/target/classpath.txt")"
export SPARK_HOME="$out/spark-home" SPARK_SCALA_VERSION=2.12
for family in pendulum reacher-damage; do
  [[ -d "$out/$family" ]] || "$here/bin/mbmrl" generate --family "$family" --out "$out/$family" --train-tasks 1000 \
    --test-tasks 0 --ood-tasks 0 --episodes 20 --steps 100 --seed 1
  for mb in 2048 1024; do
    MBMRL_JAVA_OPTS="-Xmx3g -Dspark.executor.extraClassPath=$cp_driver" \
      "$here/bin/mbmrl" bench --memory --memory-dataset "$out/$family" --master "local-cluster[2,1,$mb]" \
      | tee "$out/memory-$family-$mb.txt"
  done
done
