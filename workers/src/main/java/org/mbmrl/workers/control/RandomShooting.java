package org.mbmrl.workers.control;

import java.util.SplittableRandom;

/**
 * Random shooting (Nagabandi et al. 2018, the MPC of survey eq. 16 in its plainest form):
 * candidate sequences drawn uniformly inside the action bounds, the best one by predicted
 * return wins and its first action is applied. With I iterations it draws I independent
 * batches and keeps the best overall. Candidate 0 of the first batch is the warm start (the
 * previous best sequence, shifted), so a good plan is never lost between steps.
 */
public final class RandomShooting extends SamplingPlanner {
    private final double[] bestSequence;

    public RandomShooting(PlannerSettings settings, BatchDynamics dynamics) {
        super(settings, dynamics);
        this.bestSequence = new double[horizon * da];
    }

    @Override
    protected void optimize(double[] state, int step, SplittableRandom rng) {
        int len = horizon * da;
        double bestReturn = Double.NEGATIVE_INFINITY;
        System.arraycopy(plan, 0, bestSequence, 0, len);
        for (int it = 0; it < settings.iterations(); it++) {
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < len; k++) {
                    int j = k % da;
                    sequences[i * len + k] = -bound[j] + 2 * bound[j] * rng.nextDouble();
                }
            }
            if (it == 0) {
                System.arraycopy(plan, 0, sequences, 0, len);
            }
            evaluate(state, step);
            int b = best();
            if (returns[b] > bestReturn) {
                bestReturn = returns[b];
                System.arraycopy(sequences, b * len, bestSequence, 0, len);
            }
        }
        System.arraycopy(bestSequence, 0, plan, 0, len);
    }
}
