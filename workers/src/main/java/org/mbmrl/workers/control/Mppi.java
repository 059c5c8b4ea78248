package org.mbmrl.workers.control;

import java.util.SplittableRandom;

/**
 * Model predictive path integral control (Williams et al. 2017, "Information theoretic MPC
 * for model-based reinforcement learning", the survey's [28]): N perturbations
 * eps_i ~ N(0, (noiseStd x bound)^2) of the nominal sequence U (the warm start), candidate
 * V_i = clip(U + eps_i), rolled out to returns R_i; weights
 * {@code w_i = exp((R_i - max R) / lambda)} (lambda = temperature; subtracting max R only
 * keeps the exponentials finite), and the update {@code U = sum_i w_i V_i / sum_i w_i}, the
 * information-theoretic optimal control's sample estimate (here without the control-cost
 * term lambda U^T Sigma^-1 eps, i.e. gamma = 0: the task reward already penalizes effort).
 * Repeated {@code iterations} times; the applied action is U's first.
 */
public final class Mppi extends SamplingPlanner {
    private final double[] nominal;
    private final double[] weights;

    public Mppi(PlannerSettings settings, BatchDynamics dynamics) {
        super(settings, dynamics);
        this.nominal = new double[horizon * da];
        this.weights = new double[n];
    }

    @Override
    protected void optimize(double[] state, int step, SplittableRandom rng) {
        int len = horizon * da;
        double lambda = settings.temperature();
        System.arraycopy(plan, 0, nominal, 0, len);
        for (int it = 0; it < settings.iterations(); it++) {
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < len; k++) {
                    int j = k % da;
                    sequences[i * len + k] = clip(nominal[k] + settings.noiseStd() * bound[j] * gaussian(rng), j);
                }
            }
            evaluate(state, step);
            double max = returns[best()];
            if (max == Double.NEGATIVE_INFINITY) {
                continue; // every rollout diverged: keep the nominal
            }
            double total = 0;
            for (int i = 0; i < n; i++) {
                weights[i] = Math.exp((returns[i] - max) / lambda);
                total += weights[i];
            }
            for (int k = 0; k < len; k++) {
                double u = 0;
                for (int i = 0; i < n; i++) {
                    u += weights[i] * sequences[i * len + k];
                }
                nominal[k] = u / total;
            }
        }
        System.arraycopy(nominal, 0, plan, 0, len);
    }
}
