package org.mbmrl.workers.algorithms;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The driver's outer update, applied to theta with the meta-batch mean of the task
 * contributions. Plain Java arithmetic in double, rounded to float once per component,
 * so it is bitwise deterministic.
 */
public interface OuterOptimizer {

    /** Updates {@code theta} in place from the mean contribution {@code direction}. */
    void apply(float[] theta, double[] direction);

    /** Name recorded in checkpoints ({@code adam}, {@code reptile}). */
    String name();

    /** Its settings, recorded in checkpoints beside the name (e.g. {@code lr}, {@code epsilon}). */
    Map<String, Double> settings();

    /** State arrays to checkpoint (may be empty). */
    Map<String, INDArray> state();

    /** Step counter to checkpoint. */
    long steps();

    /** Restores what {@link #state()} and {@link #steps()} returned. */
    void restore(Map<String, INDArray> state, long steps);
}
