package org.mbmrl.datasets.family;

import java.util.SplittableRandom;

/**
 * A small model-predictive controller on a simulator's true dynamics (through
 * {@link Simulator#state()} / {@link Simulator#setState}), for tests that check a task is
 * solvable by MPC: the cross-entropy method (CEM) with a warm-started Gaussian over action
 * sequences, or random shooting (one round of uniformly random sequences).
 */
final class TrueModelPlanner {
    private final TaskFamily family;
    private final int horizon;
    private final int candidates;
    private final int elites;
    private final int iterations;
    private final SplittableRandom rng;
    private final double[] bound;
    private final int da;
    private double[] mean;

    /** CEM with {@code iterations} rounds, or random shooting when {@code iterations == 0}. */
    TrueModelPlanner(TaskFamily family, int horizon, int candidates, int elites, int iterations, long seed) {
        this.family = family;
        this.horizon = horizon;
        this.candidates = candidates;
        this.elites = elites;
        this.iterations = iterations;
        this.rng = new SplittableRandom(seed);
        this.bound = family.actionBound();
        this.da = family.actionDim();
        this.mean = new double[horizon * da];
    }

    /** The first action of the best plan found from the simulator's current state; the state is restored. */
    double[] act(Simulator sim) {
        double[] start = sim.state();
        int len = horizon * da;
        double[][] pop = new double[candidates][len];
        double[] returns = new double[candidates];
        double[] best = null;
        double bestReturn = Double.NEGATIVE_INFINITY;
        if (iterations == 0) {
            for (int c = 0; c < candidates; c++) {
                for (int i = 0; i < len; i++) {
                    pop[c][i] = bound[i % da] * (2 * rng.nextDouble() - 1);
                }
                returns[c] = rollout(sim, start, pop[c]);
                if (returns[c] > bestReturn) {
                    bestReturn = returns[c];
                    best = pop[c];
                }
            }
        } else {
            double[] mu = mean.clone();
            double[] sd = new double[len];
            for (int i = 0; i < len; i++) {
                sd[i] = bound[i % da] / 2;
            }
            for (int it = 0; it < iterations; it++) {
                for (int c = 0; c < candidates; c++) {
                    for (int i = 0; i < len; i++) {
                        double b = bound[i % da];
                        pop[c][i] = Math.max(-b, Math.min(b, mu[i] + sd[i] * gaussian()));
                    }
                    returns[c] = rollout(sim, start, pop[c]);
                    if (returns[c] > bestReturn) {
                        bestReturn = returns[c];
                        best = pop[c].clone();
                    }
                }
                Integer[] order = new Integer[candidates];
                for (int c = 0; c < candidates; c++) {
                    order[c] = c;
                }
                java.util.Arrays.sort(order, (a, b) -> Double.compare(returns[b], returns[a]));
                for (int i = 0; i < len; i++) {
                    double m = 0;
                    for (int e = 0; e < elites; e++) {
                        m += pop[order[e]][i];
                    }
                    m /= elites;
                    double v = 0;
                    for (int e = 0; e < elites; e++) {
                        double d = pop[order[e]][i] - m;
                        v += d * d;
                    }
                    mu[i] = m;
                    sd[i] = Math.sqrt(v / elites) + 1e-3 * bound[i % da];
                }
            }
            // Warm start: shift the plan by one step.
            mean = new double[len];
            System.arraycopy(best, da, mean, 0, len - da);
        }
        sim.setState(start);
        return java.util.Arrays.copyOf(best, da);
    }

    private double rollout(Simulator sim, double[] start, double[] plan) {
        sim.setState(start);
        double total = 0;
        double[] a = new double[da];
        for (int t = 0; t < horizon; t++) {
            System.arraycopy(plan, t * da, a, 0, da);
            Simulator.Step step = sim.step(a);
            total += step.reward();
        }
        return total;
    }

    private double gaussian() {
        double u = 1 - rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
