package org.mbmrl.workers.learn;

import java.util.SplittableRandom;
import org.mbmrl.datasets.TaskTransitions;

/** Seeded choice of trajectory segments (contiguous runs of M + K transitions within an episode). */
public final class Segments {
    private Segments() {}

    /**
     * Start rows of {@code count} segments of {@code length} rows, drawn uniformly (with
     * replacement) from every valid start in {@code task}.
     */
    public static int[] sample(TaskTransitions task, int length, int count, long seed) {
        int available = task.segmentCount(length);
        if (available == 0) {
            throw new IllegalArgumentException("task " + task.taskId() + " has no run of " + length
                    + " consecutive transitions (longest: " + task.longestRun() + ")");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[] starts = new int[count];
        for (int i = 0; i < count; i++) {
            starts[i] = task.segmentStart(rng.nextInt(available), length);
        }
        return starts;
    }
}
