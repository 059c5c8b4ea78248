package org.mbmrl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

/**
 * {@code evaluate --control} on a small trained maml run (local[2], fixed seeds): the Parquet
 * table has exactly the documented columns and one row per (task, method, changed, episode),
 * returns are finite, the change is recovered from in a counted number of steps, and a second
 * evaluation gives the same returns bit for bit.
 */
class ControlEvaluationTest {
    /** The documented columns of RUN/eval/control (docs/formats.md), in order, with their types. */
    static final List<String> COLUMNS = List.of("family:string", "split:string", "task_id:bigint", "algorithm:string",
            "adapter:string", "planner:string", "method:string", "changed:boolean", "change_step:int", "episode:int",
            "return:double", "recovery_steps:int", "recovered:boolean", "steps:int", "adapt_ms:double", "plan_ms:double",
            "rejected_steps:int", "rewards:array<double>");

    @Test
    void controlTableSchemaRowsAndReproducibility() {
        SparkSession spark = SharedSpark.local2();
        Path run = Fixtures.controlRun();
        SharedSpark.Run r = SharedSpark.cli("evaluate", "--run", run.toString(), "--control", "--reference");
        assertEquals(0, r.exitCode(), r.err());
        System.out.println(r.out());
        assertTrue(r.out().contains("maml+gradient") && r.out().contains("true-dynamics"), r.out());

        String dir = run.resolve("eval/control/iteration=6").toString();
        Dataset<Row> df = spark.read().parquet(dir);
        List<String> columns = new ArrayList<>();
        for (StructField f : df.schema().fields()) {
            columns.add(f.name() + ":" + f.dataType().simpleString());
        }
        assertEquals(COLUMNS, columns);

        List<Row> first = df.orderBy("task_id", "method", "changed", "episode").collectAsList();
        // control.tasks = 2 of each held-out split (test: 12, 13; ood: 15, 16), two methods, without and with the change.
        assertEquals(2 * 2 * 2 * 2, first.size());
        Set<String> keys = new HashSet<>();
        for (Row row : first) {
            long task = row.getAs("task_id");
            String method = row.getAs("method");
            boolean changed = row.getAs("changed");
            keys.add(task + "/" + method + "/" + changed);
            assertEquals("pendulum", row.getAs("family"));
            assertEquals("cem", row.getAs("planner"));
            assertEquals(task < 15 ? "test" : "ood", row.getAs("split"));
            assertEquals(method.equals("true-dynamics") ? "oracle" : "gradient", row.getAs("adapter"));
            assertEquals(method.equals("true-dynamics") ? "true-dynamics" : "maml", row.getAs("algorithm"));
            double ret = row.getAs("return");
            assertTrue(Double.isFinite(ret) && ret < 0, "pendulum returns are finite and negative: " + ret);
            assertEquals(40, (int) row.getAs("steps"));
            int recovery = row.getAs("recovery_steps");
            if (changed) {
                assertEquals(20, (int) row.getAs("change_step"));
                assertTrue(recovery >= 10 && recovery <= 20, "recovery in [window, steps after the change]: " + recovery);
            } else {
                assertEquals(-1, (int) row.getAs("change_step"));
                assertEquals(-1, recovery);
            }
            List<Double> rewards = row.getList(row.fieldIndex("rewards"));
            assertEquals(40, rewards.size(), "one reward per step");
            double sum = 0;
            for (double v : rewards) {
                sum += v;
            }
            assertEquals(Double.doubleToLongBits(ret), Double.doubleToLongBits(sum), "return is the sum of the rewards column");
            double plan = row.getAs("plan_ms");
            assertTrue(plan > 0, "planning takes time");
            assertEquals(0, (int) row.getAs("rejected_steps"), "no guard, nothing rejected");
            double adapt = row.getAs("adapt_ms");
            assertTrue(method.equals("true-dynamics") ? adapt < 0.5 : adapt > 0, "adapt ms " + adapt + " for " + method);
        }
        for (long task : new long[] {12, 13, 15, 16}) {
            for (String method : List.of("maml+gradient", "true-dynamics")) {
                for (boolean changed : new boolean[] {false, true}) {
                    assertTrue(keys.contains(task + "/" + method + "/" + changed), task + "/" + method + "/" + changed);
                }
            }
        }

        // Same config and seed: the same returns, bit for bit (timing columns aside).
        SharedSpark.Run again = SharedSpark.cli("evaluate", "--run", run.toString(), "--control", "--reference");
        assertEquals(0, again.exitCode(), again.err());
        List<Row> second = spark.read().parquet(dir).orderBy("task_id", "method", "changed", "episode").collectAsList();
        assertEquals(first.size(), second.size());
        for (int i = 0; i < first.size(); i++) {
            assertEquals(Double.doubleToLongBits(first.get(i).getAs("return")),
                    Double.doubleToLongBits(second.get(i).getAs("return")), "row " + i + ": " + first.get(i));
            assertEquals((int) first.get(i).getAs("recovery_steps"), (int) second.get(i).getAs("recovery_steps"));
        }

        // The guard, with a step size that overshoots: rejections are counted per episode and printed.
        SharedSpark.Run guarded = SharedSpark.cli("evaluate", "--run", run.toString(), "--control", "--set",
                "control.adapter.guard=true", "--set", "control.adapter.lr=5.0");
        assertEquals(0, guarded.exitCode(), guarded.err());
        assertTrue(guarded.out().contains("rejected"), guarded.out());
        int rejected = 0;
        for (Row row : spark.read().parquet(dir).collectAsList()) {
            int n = row.getAs("rejected_steps");
            assertTrue(n >= 0 && n <= (int) row.getAs("steps"), "rejections " + n);
            assertTrue(Double.isFinite(row.getAs("return")));
            rejected += n;
        }
        assertTrue(rejected > 0, "an overshooting step is rejected somewhere");
    }
}
