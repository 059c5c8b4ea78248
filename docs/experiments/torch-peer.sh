#!/usr/bin/env bash
# The PyTorch peer of `mbmrl bench --outer` on the demo's own data: generates the demo's
# dataset (as `mbmrl demo` does), writes its train transitions to CSV with DuckDB's JDBC
# driver (from the local Maven repository), and times torch_demo_maml.py on one thread.
# Needs Debian's python3-torch. Usage: docs/experiments/torch-peer.sh [WORKDIR] [ITERATIONS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:-${TMPDIR:-/tmp}/mbmrl-torch-peer}"
iterations="${2:-200}"
mkdir -p "$work"
if [[ ! -f "$work/data/dataset.json" ]]; then
  "$here/bin/mbmrl" generate --out "$work/data" --family pendulum --train-tasks 40 --test-tasks 10 --ood-tasks 10 \
    --episodes 4 --steps 100 --seed 1
fi
duckdb="$(ls ~/.m2/repository/org/duckdb/duckdb_jdbc/*/duckdb_jdbc-*.jar | head -n 1)"
cat > "$work/Csv.java" <<'JAVA'
import java.sql.*;
public class Csv { public static void main(String[] a) throws Exception {
  try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
    s.execute("COPY (SELECT t.task_id, episode, step, observation[1] o0, observation[2] o1, observation[3] o2, action[1] a0,"
        + " next_observation[1] n0, next_observation[2] n1, next_observation[3] n2"
        + " FROM read_parquet('" + a[0] + "/transitions/**/*.parquet', hive_partitioning = false) t"
        + " JOIN read_parquet('" + a[0] + "/tasks/**/*.parquet', hive_partitioning = false) k ON t.task_id = k.task_id"
        + " WHERE k.split = 'train' ORDER BY t.task_id, episode, step) TO '" + a[1] + "' (HEADER)");
  } } }
JAVA
java -cp "$duckdb" "$work/Csv.java" "$work/data" "$work/train.csv"
OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$here/docs/experiments/torch_demo_maml.py" "$work/train.csv" "$iterations"
