package org.mbmrl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Learning, end to end on {@code local[2]} with fixed seeds: the README's main command,
 * {@code mbmrl demo}, run as a user runs it. On the ood split (heavier, longer pendulums),
 * maml and vi after adaptation must predict the next K transitions better (lower NLL) than
 * before adaptation and better than the pooled (non-meta) model; famle's adaptation (eq. 17
 * and 18) must lower its own error; rebal's hidden state from the M past transitions must beat
 * h = 0 and pooled.
 */
class DemoLearningTest {

    @Test
    void mamlAdaptedBeatsUnadaptedAndPooledOnOod() {
        SparkSession spark = SharedSpark.local2();
        Path dir = Fixtures.scratch("demo");
        SharedSpark.Run r = SharedSpark.cli("demo", "--dir", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("K-step prediction error on ood tasks"), r.out());

        Map<String, double[]> means = new HashMap<>();
        for (String algorithm : List.of("pooled", "reptile", "maml", "famle", "vi", "rebal")) {
            List<Row> rows = spark.read().parquet(dir.resolve("runs/" + algorithm + "/eval/split=ood").toString())
                    .selectExpr("avg(nll_before)", "avg(nll_after)", "count(*)").collectAsList();
            assertEquals(10L, rows.get(0).getLong(2), algorithm + ": one row per ood task");
            means.put(algorithm, new double[] {rows.get(0).getDouble(0), rows.get(0).getDouble(1)});
        }
        double[] maml = means.get("maml");
        double[] pooled = means.get("pooled");
        String table = r.out().substring(r.out().lastIndexOf("K-step prediction error"));
        System.out.println(table);
        assertTrue(maml[1] < maml[0], "maml: adapted " + maml[1] + " should beat unadapted " + maml[0] + "\n" + table);
        assertTrue(maml[1] < pooled[0], "maml adapted " + maml[1] + " should beat pooled " + pooled[0] + "\n" + table);
        assertTrue(maml[1] < pooled[1], "maml adapted " + maml[1] + " should beat pooled adapted " + pooled[1] + "\n" + table);
        double[] vi = means.get("vi");
        assertTrue(vi[1] < vi[0], "vi: inferred q(z) " + vi[1] + " should beat the prior " + vi[0] + "\n" + table);
        assertTrue(vi[1] < Math.min(pooled[0], pooled[1]), "vi adapted " + vi[1] + " should beat pooled\n" + table);
        double[] famle = means.get("famle");
        assertTrue(famle[1] < famle[0], "famle: adapted " + famle[1] + " should beat unadapted " + famle[0] + "\n" + table);
        double[] rebal = means.get("rebal");
        assertTrue(rebal[1] < rebal[0], "rebal: h from the past " + rebal[1] + " should beat h = 0 " + rebal[0] + "\n" + table);
        assertTrue(rebal[1] < Math.min(pooled[0], pooled[1]), "rebal adapted " + rebal[1] + " should beat pooled\n" + table);

        // The control comparison: maml + gradient (with the true-dynamics reference), pooled + none, famle + famle
        // and vi + vi on the 10 ood tasks, without and with the change. No ranking is asserted: on the pendulum
        // MB is within 2% of the true dynamics (see docs/results.md).
        assertTrue(r.out().contains("control on pendulum"), r.out());
        System.out.println(r.out().substring(r.out().lastIndexOf("control on pendulum")));
        assertEquals(40L, spark.read().parquet(dir.resolve("runs/maml/eval/control").toString()).count(),
                "10 tasks x (maml+gradient, true-dynamics) x (without, with the change)");
        for (String run : List.of("pooled", "famle", "vi", "rebal")) {
            assertEquals(20L, spark.read().parquet(dir.resolve("runs/" + run + "/eval/control").toString()).count(), run);
        }
    }
}
