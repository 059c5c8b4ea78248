package org.mbmrl.workers.algorithms;

import java.util.SplittableRandom;
import org.mbmrl.datasets.TaskTransitions;

/** Small synthetic tasks for the algorithms' unit tests. */
public final class TestTasks {
    private TestTasks() {}

    /** One episode of {@code steps} transitions of a seeded linear 3-state, 1-action system under random actions. */
    public static TaskTransitions linear(int steps) {
        SplittableRandom r = new SplittableRandom(4);
        TaskTransitions.Builder b = new TaskTransitions.Builder(9, 3, 1, steps);
        double[] s = {1, 0, 0};
        for (int t = 0; t < steps; t++) {
            double[] a = {2 * r.nextDouble() - 1};
            double[] n = {s[0] + 0.1 * s[1], s[1] + 0.1 * a[0] - 0.05 * s[0], 0.9 * s[2] + 0.1 * a[0]};
            b.add(0, t, s, a, n, 0.0, false, false);
            s = n;
        }
        return b.build();
    }
}
