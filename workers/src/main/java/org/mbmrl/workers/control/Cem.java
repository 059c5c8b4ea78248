package org.mbmrl.workers.control;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The cross-entropy method over action sequences (as in PETS, Chua et al. 2018, the
 * survey's [6]): a diagonal Gaussian over the H x da sequence, mean = the warm start and
 * std = {@code noiseStd} x bound at first; each iteration samples N sequences (clipped to
 * the bounds), rolls them out, and refits mean and std to the E best (the elites). The
 * applied action is the first of the final mean ({@code planner.cem_output: mean}), or of the
 * best sequence sampled in any iteration ({@code best}).
 */
public final class Cem extends SamplingPlanner {
    private final double[] mean;
    private final double[] std;
    private final Integer[] order;
    private final double[] best;

    public Cem(PlannerSettings settings, BatchDynamics dynamics) {
        super(settings, dynamics);
        this.mean = new double[horizon * da];
        this.std = new double[horizon * da];
        this.order = new Integer[n];
        this.best = new double[horizon * da];
    }

    @Override
    protected void optimize(double[] state, int step, SplittableRandom rng) {
        int len = horizon * da;
        int elites = settings.elites();
        System.arraycopy(plan, 0, mean, 0, len);
        double bestReturn = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < len; k++) {
            std[k] = settings.noiseStd() * bound[k % da];
        }
        for (int it = 0; it < settings.iterations(); it++) {
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < len; k++) {
                    sequences[i * len + k] = clip(mean[k] + std[k] * gaussian(rng), k % da);
                }
            }
            evaluate(state, step);
            // Elites: the E highest returns, ties to the lower index (a stable sort).
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(returns[b], returns[a]));
            if (returns[order[0]] > bestReturn) {
                bestReturn = returns[order[0]];
                System.arraycopy(sequences, order[0] * len, best, 0, len);
            }
            for (int k = 0; k < len; k++) {
                double m = 0;
                for (int e = 0; e < elites; e++) {
                    m += sequences[order[e] * len + k];
                }
                m /= elites;
                double v = 0;
                for (int e = 0; e < elites; e++) {
                    double d = sequences[order[e] * len + k] - m;
                    v += d * d;
                }
                mean[k] = m;
                std[k] = Math.sqrt(v / elites);
            }
        }
        boolean useBest = settings.cemOutput() == PlannerSettings.CemOutput.BEST && bestReturn > Double.NEGATIVE_INFINITY;
        System.arraycopy(useBest ? best : mean, 0, plan, 0, len);
    }
}
