#!/usr/bin/env bash
# Starts (or completes) a Spark standalone cluster on 127.0.0.1: one master and N workers,
# each a separate JVM, run from the Spark jars Maven resolves (no Spark distribution).
#
#   deploy/local-cluster/start.sh [--workers N] [--cores C] [--memory 2g] [--port 7077]
#                                 [--webui-port 8080] [--dir DIR]
#
# Idempotent: a master or worker whose process is alive is left alone, a dead one is
# started again. Prints the master URL. The directory (default target/local-cluster)
# holds pid files, logs, the workers' work dirs, and a SPARK_HOME whose bin/spark-submit
# and conf/spark-defaults.conf make deploy/spark-submit.sh work against this cluster:
#
#   SPARK_HOME=target/local-cluster/spark-home deploy/spark-submit.sh \
#       --master spark://127.0.0.1:7077 -- train --config deploy/configs/maml.yaml
#
# Stop with deploy/local-cluster/stop.sh [--dir DIR].
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
workers=2 cores=1 memory=2g port=7077 webui=8080 dir="$here/target/local-cluster"
usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --workers) workers="$2"; shift 2 ;;
    --cores) cores="$2"; shift 2 ;;
    --memory) memory="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --webui-port) webui="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "start.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for v in workers cores port webui; do
  if ! [[ "${!v}" =~ ^[0-9]+$ ]] || [[ "${!v}" -lt 1 && "$v" != webui ]]; then
    echo "start.sh: --${v/webui/webui-port} must be a positive integer; got '${!v}'" >&2; exit 2
  fi
done
mkdir -p "$dir/logs" "$dir/spark-home/jars" "$dir/spark-home/conf" "$dir/spark-home/bin"
dir="$(cd "$dir" && pwd)"

cp_file="$here/deploy/spark-runtime/target/spark-classpath.txt"
if [[ ! -f "$cp_file" ]]; then
  echo "start.sh: resolving the Spark jars (mvn -pl deploy/spark-runtime package) ..." >&2
  (cd "$here" && mvn -B -q -pl deploy/spark-runtime package) >&2
fi
spark_cp="$(cat "$cp_file")"
# shellcheck source=../../bin/jvm-options.sh
source "$here/bin/jvm-options.sh"

export SPARK_HOME="$dir/spark-home" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1
master_url="spark://127.0.0.1:$port"

# The spark-submit of this cluster, and the defaults every application on it gets: executors
# see Spark's jars (a distribution's jars/ folder); the application brings everything else.
cat > "$SPARK_HOME/bin/spark-submit" <<SH
#!/usr/bin/env bash
export SPARK_HOME="$SPARK_HOME" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1
exec java $(printf '%q ' "${spark_jvm_options[@]}") \${MBMRL_SUBMIT_JAVA_OPTS:--Xmx2g} \\
  -Dlog4j2.configurationFile="$here/bin/log4j2.properties" \\
  -cp "$spark_cp" org.apache.spark.deploy.SparkSubmit "\$@"
SH
chmod +x "$SPARK_HOME/bin/spark-submit"
cat > "$SPARK_HOME/conf/spark-defaults.conf" <<CONF
# Written by deploy/local-cluster/start.sh for the cluster at $master_url.
spark.master                    $master_url
spark.executor.extraClassPath   $spark_cp
spark.executor.extraJavaOptions -Dlog4j2.configurationFile=$here/bin/log4j2.properties
spark.executorEnv.MKL_THREADING_LAYER GNU
spark.driver.host               127.0.0.1
spark.ui.enabled                false
CONF

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
launch() { # name pidfile class args...
  local name="$1" pidfile="$2"; shift 2
  nohup java "${spark_jvm_options[@]}" -Xmx512m -Dlog4j2.configurationFile="$here/deploy/local-cluster/log4j2.properties" \
    -cp "$spark_cp" "$@" > "$dir/logs/$name.log" 2>&1 &
  echo $! > "$pidfile"
}
wait_for() { # log pattern what
  for _ in $(seq 1 120); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "start.sh: $3 did not start; see $1" >&2; exit 1
}

if ! alive "$dir/master.pid"; then
  : > "$dir/logs/master.log"
  launch master "$dir/master.pid" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$port" --webui-port "$webui"
  wait_for "$dir/logs/master.log" "I have been elected leader" "the master"
fi
for i in $(seq 1 "$workers"); do
  if ! alive "$dir/worker-$i.pid"; then
    mkdir -p "$dir/work-$i"
    : > "$dir/logs/worker-$i.log"
    launch "worker-$i" "$dir/worker-$i.pid" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --cores "$cores" --memory "$memory" --work-dir "$dir/work-$i" --webui-port 0 "$master_url"
    started+=("$i")
  fi
done
for i in "${started[@]:-}"; do
  [[ -n "$i" ]] && wait_for "$dir/logs/worker-$i.log" "Successfully registered with master" "worker $i"
done
echo "$master_url" > "$dir/master-url"
echo "$master_url"
