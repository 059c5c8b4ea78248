#!/usr/bin/env bash
# usage: control-diagnostic.sh POOLED_RUN MAML_RUN TASKS K ALPHA M   (see ControlDiagnostic.java)
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
source "$here/bin/jvm-options.sh"
cp="$here/driver/target/mbmrl-driver-0.1.0-SNAPSHOT.jar:$(cat "$here/driver/target/classpath.txt")"
exec java "${spark_jvm_options[@]}" -Xmx3g -Dlog4j2.configurationFile="$here/bin/log4j2.properties" -cp "$cp" \
  "$here/docs/experiments/ControlDiagnostic.java" "$@"
