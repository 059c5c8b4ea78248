#!/usr/bin/env bash
# Adaptive-models campaign, step 4 (after adaptive-control.sh, in the same directory): recovery
# after the change measured against the true dynamics (see AdaptiveRecovery.java).
# Usage: adaptive-recovery.sh [FAMILY...]
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
families=("$@")
[[ ${#families[@]} -gt 0 ]] || families=(pendulum cartpole quadrotor-payload reacher-damage slope)
source "$here/bin/jvm-options.sh"
cp="$here/driver/target/mbmrl-driver-0.1.0-SNAPSHOT.jar:$(cat "$here/driver/target/classpath.txt")"
exec java "${spark_jvm_options[@]}" -Xmx2g -Dlog4j2.configurationFile="$here/bin/log4j2.properties" -cp "$cp" \
  "$here/docs/experiments/AdaptiveRecovery.java" "${families[@]}"
