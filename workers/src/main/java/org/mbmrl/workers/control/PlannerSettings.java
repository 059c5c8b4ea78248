package org.mbmrl.workers.control;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Settings of an MPC planner (survey eq. 16). Every field is validated whatever the type,
 * so a config can switch planners without other changes; fields a type does not use are
 * ignored by it:
 * <ul>
 *   <li>{@code horizon} H >= 1: control steps a candidate action sequence spans;</li>
 *   <li>{@code candidates} N >= 2: action sequences rolled out per iteration, in one batch;</li>
 *   <li>{@code iterations} I >= 1: sampling rounds per control step (random shooting draws
 *       I fresh batches and keeps the best; CEM refits I times; MPPI updates I times);</li>
 *   <li>{@code elites} 1 <= E <= N: sequences CEM refits its Gaussian to;</li>
 *   <li>{@code temperature} lambda > 0: MPPI's weights exp((R - max R) / lambda), in reward units;</li>
 *   <li>{@code noiseStd} > 0: standard deviation of CEM's initial and MPPI's sampling
 *       Gaussian, as a fraction of each action component's bound;</li>
 *   <li>{@code seed}: the planner's randomness at control step t comes from
 *       {@code SplittableRandom(Seeds.derive(seed, t))};</li>
 *   <li>{@code warmStart}: each step starts from the previous step's plan shifted by one
 *       (the last action in the middle of the bounds), or, false, from the middle of the
 *       bounds every step;</li>
 *   <li>{@code cemOutput}: what CEM returns, the mean of its final elites ({@code MEAN}, as
 *       PETS) or the best sequence it sampled ({@code BEST}).</li>
 * </ul>
 *
 * <p>Budget: a control step runs I rounds of H batched dynamics calls of N candidates each,
 * {@link #evaluationsPerStep()} = N x H x I model evaluations (candidate-steps), whatever
 * the type. Planners are compared at an equal budget.
 */
public record PlannerSettings(Type type, int horizon, int candidates, int iterations, int elites,
        double temperature, double noiseStd, long seed, boolean warmStart, CemOutput cemOutput)
        implements java.io.Serializable {

    /** Warm-started, CEM returning the mean of its elites. */
    public PlannerSettings(Type type, int horizon, int candidates, int iterations, int elites, double temperature,
            double noiseStd, long seed) {
        this(type, horizon, candidates, iterations, elites, temperature, noiseStd, seed, true, CemOutput.MEAN);
    }

    /** What CEM returns after its last refit. */
    public enum CemOutput {
        MEAN, BEST;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static CemOutput parse(String name) {
            for (CemOutput o : values()) {
                if (o.configName().equals(name)) {
                    return o;
                }
            }
            throw new IllegalArgumentException("planner.cem_output must be one of mean, best; got " + name);
        }
    }

    /** Planner types by config name. */
    public enum Type {
        RANDOM("random"), CEM("cem"), MPPI("mppi");

        private final String configName;

        Type(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        /** The type called {@code name} ({@code random}, {@code cem}, {@code mppi}). */
        public static Type parse(String name) {
            for (Type t : values()) {
                if (t.configName.equals(name == null ? null : name.toLowerCase(Locale.ROOT))) {
                    return t;
                }
            }
            throw new IllegalArgumentException("planner.type must be one of " + Arrays.stream(values())
                    .map(Type::configName).collect(Collectors.joining(", ")) + "; got " + name);
        }
    }

    public PlannerSettings {
        if (type == null) {
            throw new IllegalArgumentException("planner.type must be one of random, cem, mppi; got null");
        }
        if (cemOutput == null) {
            throw new IllegalArgumentException("planner.cem_output must be one of mean, best; got null");
        }
        if (horizon < 1) {
            throw new IllegalArgumentException("planner.horizon must be >= 1; got " + horizon);
        }
        if (candidates < 2) {
            throw new IllegalArgumentException("planner.candidates must be >= 2; got " + candidates);
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("planner.iterations must be >= 1; got " + iterations);
        }
        if (elites < 1 || elites > candidates) {
            throw new IllegalArgumentException("planner.elites must be between 1 and planner.candidates (" + candidates
                    + "); got " + elites);
        }
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("planner.temperature must be a finite number > 0; got " + temperature);
        }
        if (!(noiseStd > 0) || !Double.isFinite(noiseStd)) {
            throw new IllegalArgumentException("planner.noise_std must be a finite number > 0 (a fraction of the action bound); got "
                    + noiseStd);
        }
        if ((long) candidates * horizon > Integer.MAX_VALUE / 64) {
            throw new IllegalArgumentException("planner.candidates x planner.horizon is too large: " + candidates + " x " + horizon);
        }
    }

    /**
     * Defaults: H = 15, N = 500, I = 3, E = 50, lambda = 1, noise 0.5 of the bound, seed 0;
     * the W3 benchmark shape is N = 1000, H = 15, I = 1.
     */
    public static PlannerSettings defaults(Type type) {
        return new PlannerSettings(type, 15, 500, 3, 50, 1.0, 0.5, 0L);
    }

    /** Model evaluations (candidate-steps) per control step: candidates x horizon x iterations. */
    public long evaluationsPerStep() {
        return (long) candidates * horizon * iterations;
    }

    /** The same settings for planner type {@code t}. */
    public PlannerSettings withType(Type t) {
        return new PlannerSettings(t, horizon, candidates, iterations, elites, temperature, noiseStd, seed, warmStart,
                cemOutput);
    }

    /** The same settings with another N and I; {@code elites} is lowered to N if it exceeds it. */
    public PlannerSettings withBudget(int candidates, int iterations) {
        return new PlannerSettings(type, horizon, candidates, iterations, Math.min(elites, candidates), temperature,
                noiseStd, seed, warmStart, cemOutput);
    }

    /** The same settings with the warm start switched and CEM's output chosen. */
    public PlannerSettings withHygiene(boolean warm, CemOutput output) {
        return new PlannerSettings(type, horizon, candidates, iterations, elites, temperature, noiseStd, seed, warm, output);
    }

    /** The same settings with another seed. */
    public PlannerSettings withSeed(long s) {
        return new PlannerSettings(type, horizon, candidates, iterations, elites, temperature, noiseStd, s, warmStart,
                cemOutput);
    }
}
