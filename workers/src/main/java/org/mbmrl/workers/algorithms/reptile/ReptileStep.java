package org.mbmrl.workers.algorithms.reptile;

import java.util.Map;
import org.mbmrl.workers.algorithms.OuterOptimizer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reptile's outer update (eq. 6, batched): {@code theta += epsilon * mean(phi - theta)}; also
 * FAMLE's move of theta toward the adapted parameters (algorithm 3, line 10).
 */
public final class ReptileStep implements OuterOptimizer {
    private final double epsilon;
    private long t;

    public ReptileStep(double epsilon) {
        this.epsilon = epsilon;
    }

    @Override
    public void apply(float[] theta, double[] meanDelta) {
        t++;
        for (int i = 0; i < theta.length; i++) {
            theta[i] = (float) (theta[i] + epsilon * meanDelta[i]);
        }
    }

    @Override
    public String name() {
        return "reptile";
    }

    @Override
    public Map<String, Double> settings() {
        return Map.of("epsilon", epsilon);
    }

    @Override
    public Map<String, INDArray> state() {
        return Map.of();
    }

    @Override
    public long steps() {
        return t;
    }

    @Override
    public void restore(Map<String, INDArray> state, long steps) {
        t = steps;
    }
}
