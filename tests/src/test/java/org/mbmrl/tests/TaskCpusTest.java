package org.mbmrl.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * An executor task with {@code spark.task.cpus} = 2 computes its sampled tasks two at a time,
 * each whole on one thread, so a run trains the same theta bytes as with one core per task:
 * through the task gang and through a Spark job per iteration. The model is large enough that
 * its products would be split over the two threads otherwise (and their last bits would then
 * differ), so the test fails if a task's arithmetic depended on the task's cores.
 */
class TaskCpusTest {
    private static final String[] SETTINGS = {
        "train.second_order=true", "model.hidden=[256, 256]", "adapt.past=24", "adapt.future=24", "train.segments=2"};

    @Test
    void twoCoresPerTaskTrainTheSameBitsAsOne() {
        try {
            SharedSpark.session("local[2]", 1);
            Path one = Fixtures.scratch("cpus-1").resolve("maml");
            SharedSpark.Run r = Fixtures.train("maml", one, 3, SETTINGS);
            assertEquals(0, r.exitCode(), r.err());
            byte[] reference = Fixtures.checkpointFile(one, "iter-000003", "theta.npy");

            // Four cores in two slots of two: one slot per partition, so the gang can start.
            SharedSpark.session("local[4]", 2);
            for (String gang : new String[] {"train.gang=true", "train.gang=false"}) {
                Path two = Fixtures.scratch("cpus-2").resolve("maml");
                String[] args = java.util.Arrays.copyOf(SETTINGS, SETTINGS.length + 1);
                args[SETTINGS.length] = gang;
                SharedSpark.Run t = Fixtures.train("maml", two, 3, args);
                assertEquals(0, t.exitCode(), t.err());
                assertFalse(t.out().contains("executor gang ended"), t.out());
                assertArrayEquals(reference, Fixtures.checkpointFile(two, "iter-000003", "theta.npy"),
                        "spark.task.cpus 2 vs 1, " + gang);
            }
        } finally {
            SharedSpark.session("local[2]");
        }
    }
}
