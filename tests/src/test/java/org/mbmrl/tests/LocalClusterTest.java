package org.mbmrl.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Real distribution: train and evaluate with two executor JVMs ({@code local-cluster}),
 * which serializes every closure, broadcast and result and loads ND4J's native libraries in
 * processes other than the driver, and end with the same theta bytes as {@code local[2]}; for
 * famle and vi also the same per-task state bytes.
 */
class LocalClusterTest {

    /** The algorithms with per-task state, whose rows must also cross executor JVMs bit for bit. */
    private static final List<String> WITH_STATE = List.of("famle", "vi");

    @Test
    void trainAndEvaluateOnTwoExecutorJvmsMatchLocalMode() {
        SharedSpark.session("local[2]");
        Path local = Fixtures.scratch("maml-local2-ref");
        assertEquals(0, Fixtures.train("maml", local, 6, "train.second_order=true").exitCode());
        java.util.Map<String, Path> localState = new java.util.HashMap<>();
        for (String a : WITH_STATE) {
            localState.put(a, Fixtures.scratch(a + "-local2-ref"));
            assertEquals(0, Fixtures.train(a, localState.get(a), 6).exitCode());
        }

        SparkSession cluster = SharedSpark.session("local-cluster[2,1,2048]");
        assertTrue(cluster.sparkContext().master().startsWith("local-cluster"));
        Path remote = Fixtures.scratch("maml-cluster");
        SharedSpark.Run train = Fixtures.train("maml", remote, 6, "train.second_order=true");
        assertEquals(0, train.exitCode(), train.err());
        assertEquals(2, cluster.sparkContext().statusTracker().getExecutorInfos().length - 1, "two executors besides the driver");
        assertArrayEquals(Fixtures.theta(local, "iter-000006"), Fixtures.theta(remote, "iter-000006"));
        for (String a : WITH_STATE) {
            Path onCluster = Fixtures.scratch(a + "-cluster");
            SharedSpark.Run run = Fixtures.train(a, onCluster, 6);
            assertEquals(0, run.exitCode(), run.err());
            for (String f : List.of("theta.npy", "task_state.npy", "task_state_ids.npy")) {
                assertArrayEquals(Fixtures.checkpointFile(localState.get(a), "iter-000006", f),
                        Fixtures.checkpointFile(onCluster, "iter-000006", f), a + " " + f + ": local-cluster vs local[2]");
            }
        }

        SharedSpark.Run eval = SharedSpark.cli("evaluate", "--run", remote.toString(), "--split", "ood");
        assertEquals(0, eval.exitCode(), eval.err());
        List<Row> rows = cluster.read().parquet(remote.resolve("eval/split=ood").toString()).collectAsList();
        assertEquals(3, rows.size());
        for (Row r : rows) {
            assertTrue(Double.isFinite(r.getDouble(r.fieldIndex("nll_after"))));
        }
        SharedSpark.session("local[2]");
    }
}
