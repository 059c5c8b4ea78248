package org.mbmrl.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.driver.checkpoint.TrainedRun;
import org.mbmrl.driver.data.DatasetReader;
import org.mbmrl.datasets.Split;
import org.mbmrl.workers.algorithms.Algorithm;
import org.mbmrl.workers.algorithms.Algorithms;
import org.mbmrl.workers.algorithms.TaskUpdate;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What every registered algorithm must honour, run for each of them through the CLI on the
 * small pendulum dataset: the same config and seed give the same theta and task-state bytes
 * on {@code local[2]} twice and on {@code local[1]}, and after resuming from a middle
 * checkpoint; training moves theta; every metric, parameter and state number is finite; a task
 * update has a direction of the model's length, a state row of the algorithm's width and its
 * named metrics; the state read back through {@link TrainedRun} is the state written.
 */
class AlgorithmContractTest {

    static Stream<String> algorithms() {
        return Algorithms.names().stream();
    }

    private static String[] extra(String algorithm) {
        return algorithm.equals("maml") ? new String[] {"train.second_order=true"} : new String[0];
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void sameBitsEverywhereFiniteOutputsAndStateThroughCheckpoints(String algorithm) throws Exception {
        String[] extra = extra(algorithm);
        SharedSpark.session("local[2]");
        Path two = Fixtures.scratch(algorithm + "-local2");
        SharedSpark.Run first = Fixtures.train(algorithm, two, 6, extra);
        assertEquals(0, first.exitCode(), first.err());
        Path again = Fixtures.scratch(algorithm + "-again");
        assertEquals(0, Fixtures.train(algorithm, again, 6, extra).exitCode());

        Path resumed = Fixtures.scratch(algorithm + "-resumed");
        assertEquals(0, Fixtures.train(algorithm, resumed, 3, extra).exitCode());
        List<String> args = new ArrayList<>(Fixtures.trainArgs(algorithm, resumed, 6, extra));
        args.add("--resume");
        SharedSpark.Run r = SharedSpark.cli(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());

        SharedSpark.session("local[1]");
        Path one = Fixtures.scratch(algorithm + "-local1");
        assertEquals(0, Fixtures.train(algorithm, one, 6, extra).exitCode());
        SharedSpark.session("local[2]");

        List<String> files = new ArrayList<>(List.of("theta.npy"));
        TrainedRun run = TrainedRun.open(new Configuration(), two.toString(), null, null, List.of());
        Algorithm a = run.algorithm();
        if (a.taskStateWidth() > 0) {
            files.add("task_state.npy");
            files.add("task_state_ids.npy");
        } else {
            assertFalse(Files.exists(two.resolve("checkpoints/iter-000006/task_state.npy")));
        }
        for (String f : files) {
            byte[] reference = Fixtures.checkpointFile(two, "iter-000006", f);
            assertArrayEquals(reference, Fixtures.checkpointFile(again, "iter-000006", f), f + ": the same run twice");
            assertArrayEquals(reference, Fixtures.checkpointFile(one, "iter-000006", f), f + ": local[1] vs local[2]");
            assertArrayEquals(reference, Fixtures.checkpointFile(resumed, "iter-000006", f), f + ": resumed vs uninterrupted");
        }
        assertFalse(Arrays.equals(Fixtures.theta(two, "iter-000006"), Fixtures.theta(two, "iter-000003")), "theta moved");

        // Finite parameters and state, the state read back as written, metrics named as the algorithm says.
        for (float v : run.theta) {
            assertTrue(Float.isFinite(v));
        }
        assertEquals(a.taskStateWidth(), run.taskState.width());
        if (a.taskStateWidth() > 0) {
            assertEquals(12, run.taskState.size(), "one row per training task");
            INDArray saved = Nd4j.createFromNpyFile(two.resolve("checkpoints/iter-000006/task_state.npy").toFile());
            assertArrayEquals(saved.dup('c').data().asFloat(), run.taskState.rows());
            for (float v : run.taskState.rows()) {
                assertTrue(Float.isFinite(v));
            }
            TrainedRun early = TrainedRun.open(new Configuration(), two.toString(), "iter-000003", null, List.of());
            assertFalse(Arrays.equals(early.taskState.rows(), run.taskState.rows()), "the state rows moved in training");
        }
        List<Row> metrics = SharedSpark.local2().read().parquet(two.resolve("metrics").toString()).collectAsList();
        assertEquals(6, metrics.size());
        for (Row m : metrics) {
            Map<String, Double> named = m.getJavaMap(m.fieldIndex("metrics"));
            assertEquals(a.metricNames(), new ArrayList<>(a.metricNames().stream().filter(named::containsKey).toList()));
            named.values().forEach(v -> assertTrue(Double.isFinite(v), named.toString()));
            assertEquals(named.get("pre_loss"), m.getDouble(m.fieldIndex("pre_loss")), 0.0);
        }

        // One task update computed directly: a direction of P numbers, a row of the state width, the named metrics.
        DatasetReader data = DatasetReader.open(SharedSpark.local2(), run.datasetUri());
        DatasetReader.LoadedSplit train = data.load(Split.TRAIN, 16, 0);
        try {
            TaskTransitions task = train.tasks().first();
            float[] row = a.taskStateWidth() == 0 ? new float[0] : run.taskState.row(task.taskId());
            TaskUpdate u = a.learner(run.spec.create(DataType.FLOAT), run.normalizer).update(
                    Nd4j.create(run.theta, new long[] {1, run.theta.length}, DataType.FLOAT), row, task, 3);
            assertEquals(run.spec.parameterCount(), u.direction().length());
            assertEquals(a.taskStateWidth(), u.taskState().length);
            assertEquals(a.metricNames().size(), u.metrics().length);
            for (double v : u.direction().toDoubleVector()) {
                assertTrue(Double.isFinite(v));
            }
        } finally {
            train.release();
        }
    }
}
