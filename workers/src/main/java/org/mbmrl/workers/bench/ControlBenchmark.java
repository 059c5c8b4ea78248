package org.mbmrl.workers.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.mbmrl.datasets.Split;
import org.mbmrl.datasets.family.Simulator;
import org.mbmrl.datasets.family.TaskFamily;
import org.mbmrl.datasets.family.TaskRanges;
import org.mbmrl.workers.NativeThreads;
import org.mbmrl.workers.algorithms.Algorithm;
import org.mbmrl.workers.algorithms.Algorithms;
import org.mbmrl.workers.algorithms.CommonSettings;
import org.mbmrl.workers.algorithms.MapSection;
import org.mbmrl.workers.algorithms.TaskStateTable;
import org.mbmrl.workers.algorithms.famle.Famle;
import org.mbmrl.workers.algorithms.maml.Maml;
import org.mbmrl.workers.algorithms.vi.VariationalInference;
import org.mbmrl.workers.control.AdapterSettings;
import org.mbmrl.workers.control.ModelDynamics;
import org.mbmrl.workers.control.OnlineAdapter;
import org.mbmrl.workers.control.Planner;
import org.mbmrl.workers.control.PlannerSettings;
import org.mbmrl.workers.control.RecentTransitions;
import org.mbmrl.workers.learn.InnerLoop;
import org.mbmrl.workers.model.GaussianMlp;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.MlpSpec;
import org.mbmrl.workers.model.ModelSpec;
import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.algorithms.rebal.Rebal;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Latency of one control step of online adaptation + MPC on the W1 model
 * ({@link KernelBenchmarks#W1_SPEC}: 10 observation + 16 action inputs, plus the algorithm's
 * context input, 512 x 3 tanh, 20 outputs = mean and log-variance of 10 state changes;
 * float32), for each adaptive algorithm's own online adapter with one step (k = 1) on the last
 * M = 32 transitions (W2's shape): GrBAL ({@code maml}: one gradient step from theta*), FAMLE
 * (eq. 17 over 40 training embeddings of width 4, one batched forward pass of 40 x 32 rows, then
 * one joint step on (theta, h), eq. 18) and VI (one ELBO step on q(z) with theta* fixed, latent
 * width 2, eq. 23) and ReBAL (the GRU's hidden state, width 16, recomputed from the window, eq. 7;
 * k does not apply); then an MPPI planner with 1000 candidates x horizon 15 x 1 iteration (W3's
 * shape: 15 batched forward passes of 1000 rows), on a synthetic 10-state / 16-action linear
 * family with a quadratic reward (the model is untrained: latency does not depend on its
 * accuracy).
 *
 * <p>The window is full from the first timed step (steady state). After warm-up steps, each
 * control step's adapt time (adapter + handing the model to the dynamics) and plan time are
 * taken with {@link System#nanoTime()}; the figures are medians over the timed steps.
 * {@code candidate-steps/s} = 1000 x 15 / median plan time. Quick mode (tests) times a
 * couple of steps: its figures are not measurements. A benchmark, not a timed test.
 */
public final class ControlBenchmark {
    public static final int CANDIDATES = 1000;
    public static final int HORIZON = 15;
    public static final int WINDOW = 32;
    /** Training embeddings FAMLE's eq. 17 chooses among. */
    public static final int TRAINING_TASKS = 40;
    /** The algorithms benchmarked, by config name. */
    public static final List<String> ALGORITHMS = List.of(Maml.NAME, Famle.NAME, VariationalInference.NAME, Rebal.NAME);

    private ControlBenchmark() {}

    /** Median ms per control step (adapt, plan, both) and the planner's candidate-steps per second. */
    public record Figures(String algorithm, String adapter, int contextDim, int threads, boolean quick, int timedSteps,
            double adaptMs, double planMs, double stepMs, double candidateStepsPerSecond) {

        public String toTable() {
            return String.format(Locale.ROOT, "control step benchmark (%s, adapter %s): threads=%d, %s run, %d timed steps%n"
                    + "model %s (context %d), adapter k=1 on M=%d, planner mppi %d candidates x H%d x 1 iteration%n"
                    + "adapt  %10.2f ms/step%nplan   %10.2f ms/step%ntotal  %10.2f ms/step%nmodel  %,10.0f cand-steps/s%n",
                    algorithm, adapter, threads, quick ? "quick" : "full", timedSteps,
                    describe(KernelBenchmarks.W1_SPEC.withContextDim(contextDim)), contextDim, WINDOW, CANDIDATES, HORIZON,
                    adaptMs, planMs, stepMs, candidateStepsPerSecond);
        }

        private static String describe(MlpSpec s) {
            return s.inputDim() + "->" + s.hidden() + "->" + s.outputDim();
        }
    }

    /** GrBAL's control step ({@link #run(int, boolean, String)} for maml). */
    public static Figures run(int threads, boolean quick) {
        return run(threads, quick, Maml.NAME);
    }

    /** Runs the benchmark for {@code algorithm}'s online adapter with {@code threads} native threads; {@code quick} for tests. */
    public static Figures run(int threads, boolean quick, String algorithmName) {
        NativeThreads.configure(threads);
        int warmup = quick ? 1 : 5;
        int timed = quick ? 2 : 30;

        CommonSettings common = new CommonSettings(new InnerLoop(WINDOW, WINDOW, 1, 1e-3, Loss.NLL), 1, 1e-3, false,
                new AdapterSettings(1, 1e-3, WINDOW, Loss.NLL));
        Algorithm algorithm = Algorithms.byName(algorithmName).bind(MapSection.defaults(Algorithms.byName(algorithmName)),
                common);
        ModelSpec spec = algorithm.modelSpec(KernelBenchmarks.W1_SPEC.withContextDim(algorithm.contextDim()));
        DynamicsModel model = spec.create(DataType.FLOAT);
        INDArray thetaStar = model.initialParameters(7);
        TaskStateTable trained = randomTaskState(algorithm);
        String adapterName = algorithm.defaultOnlineAdapter();
        AdapterSettings settings = algorithm.adapterDefaults(adapterName).with(1, null, WINDOW);
        OnlineAdapter adapter = algorithm.onlineAdapter(adapterName, model, thetaStar, trained, settings, 13);
        TaskFamily family = new SyntheticFamily(spec.observationDim(), spec.actionDim());
        Normalizer norm = identity(spec.observationDim(), spec.actionDim());
        ModelDynamics dynamics = new ModelDynamics(model, adapter.adapt(null), norm, family);
        PlannerSettings ps = new PlannerSettings(PlannerSettings.Type.MPPI, HORIZON, CANDIDATES, 1, 1, 1.0, 0.5, 11);
        Planner planner = Planner.create(ps, dynamics);
        RecentTransitions recent = new RecentTransitions(WINDOW, norm, spec.contextDim(), DataType.FLOAT);

        // Fill the window with random-action transitions: the timed steps see a full window.
        Simulator sim = family.simulator(new double[] {1.0});
        SplittableRandom rng = new SplittableRandom(5);
        double[] obs = sim.reset(rng);
        for (int i = 0; i < WINDOW; i++) {
            double[] a = new double[spec.actionDim()];
            for (int j = 0; j < a.length; j++) {
                a[j] = 2 * rng.nextDouble() - 1;
            }
            double[] next = sim.step(a).observation();
            recent.add(obs, a, next);
            obs = next;
        }

        double[] adaptMs = new double[timed];
        double[] planMs = new double[timed];
        double[] stepMs = new double[timed];
        for (int t = 0; t < warmup + timed; t++) {
            long t0 = System.nanoTime();
            dynamics.setModel(adapter.adapt(recent.batch()));
            long t1 = System.nanoTime();
            double[] action = planner.act(obs, t);
            long t2 = System.nanoTime();
            double[] next = sim.step(action).observation();
            recent.add(obs, action, next);
            obs = next;
            if (t >= warmup) {
                adaptMs[t - warmup] = (t1 - t0) / 1e6;
                planMs[t - warmup] = (t2 - t1) / 1e6;
                stepMs[t - warmup] = (t2 - t0) / 1e6;
            }
        }
        double plan = median(planMs);
        return new Figures(algorithm.name(), adapterName, spec.contextDim(), threads, quick, timed, median(adaptMs), plan,
                median(stepMs), ps.evaluationsPerStep() / (plan / 1e3));
    }

    /** {@value #TRAINING_TASKS} training tasks' state rows, seeded uniform in [-1, 1] (FAMLE's H*). */
    private static TaskStateTable randomTaskState(Algorithm algorithm) {
        long[] ids = new long[TRAINING_TASKS];
        float[] rows = new float[TRAINING_TASKS * algorithm.taskStateWidth()];
        SplittableRandom rng = new SplittableRandom(17);
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) (2 * rng.nextDouble() - 1);
        }
        return TaskStateTable.of(ids, algorithm.taskStateWidth(), rows);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }

    private static Normalizer identity(int ds, int da) {
        float[] zeroIn = new float[ds + da];
        float[] oneIn = new float[ds + da];
        float[] zeroOut = new float[ds];
        float[] oneOut = new float[ds];
        Arrays.fill(oneIn, 1f);
        Arrays.fill(oneOut, 1f);
        return new Normalizer(zeroIn, oneIn, zeroOut, oneOut);
    }

    /**
     * A synthetic family of the W1 model's dimensions: {@code s' = 0.9 s + 0.1 g tanh(u)} with
     * {@code u_j = a_j + 0.5 a_(ds + j mod (da - ds))} (every action component acts on the
     * state), reward {@code -(|s|^2 + 0.01 |a|^2)}, actions in [-1, 1], one parameter g (gain).
     */
    static final class SyntheticFamily implements TaskFamily {
        private final int ds;
        private final int da;

        SyntheticFamily(int ds, int da) {
            this.ds = ds;
            this.da = da;
        }

        @Override
        public String name() {
            return "synthetic";
        }

        @Override
        public int observationDim() {
            return ds;
        }

        @Override
        public int actionDim() {
            return da;
        }

        @Override
        public double[] actionBound() {
            double[] b = new double[da];
            Arrays.fill(b, 1.0);
            return b;
        }

        @Override
        public List<String> parameterNames() {
            return List.of("gain");
        }

        @Override
        public double[] sampleParameters(Split split, SplittableRandom rng) {
            return new double[] {0.5 + rng.nextDouble()};
        }

        @Override
        public void rewards(int step, double[] observations, double[] actions, double[] nextObservations, int n,
                double[] out) {
            for (int i = 0; i < n; i++) {
                double r = 0;
                for (int j = 0; j < ds; j++) {
                    double s = observations[i * ds + j];
                    r += s * s;
                }
                for (int j = 0; j < da; j++) {
                    double a = Math.max(-1, Math.min(1, actions[i * da + j]));
                    r += 0.01 * a * a;
                }
                out[i] = -r;
            }
        }

        @Override
        public double[] changedParameters(double[] parameters) {
            return new double[] {0.5 * parameters[0]};
        }

        /** Fixed: the benchmark draws its one gain by its own rule, with nothing to configure. */
        @Override
        public TaskRanges ranges() {
            return defaultRanges();
        }

        @Override
        public TaskRanges defaultRanges() {
            return new TaskRanges(new java.util.TreeMap<>(), new java.util.TreeMap<>(), new java.util.TreeMap<>());
        }

        @Override
        public TaskFamily withRanges(TaskRanges ranges) {
            if (!ranges.equals(defaultRanges())) {
                throw new IllegalArgumentException("the synthetic benchmark family has no task distribution settings");
            }
            return this;
        }

        @Override
        public int episodeLength() {
            return 100;
        }

        @Override
        public Simulator simulator(double[] parameters) {
            return new Simulator() {
                private double gain = parameters[0];
                private double[] s = new double[ds];

                @Override
                public double[] reset(SplittableRandom rng) {
                    for (int j = 0; j < ds; j++) {
                        s[j] = 2 * rng.nextDouble() - 1;
                    }
                    return observation();
                }

                @Override
                public Step step(double[] action) {
                    double[] a = new double[da];
                    for (int j = 0; j < da; j++) {
                        a[j] = Math.max(-1, Math.min(1, action[j]));
                    }
                    double[] r = new double[1];
                    rewards(0, s, a, null, 1, r);
                    double[] next = new double[ds];
                    for (int j = 0; j < ds; j++) {
                        double u = a[j] + (da > ds ? 0.5 * a[ds + j % (da - ds)] : 0);
                        next[j] = 0.9 * s[j] + 0.1 * gain * Math.tanh(u);
                    }
                    s = next;
                    return new Step(observation(), r[0], false);
                }

                @Override
                public double[] observation() {
                    return s.clone();
                }

                @Override
                public double[] state() {
                    return s.clone();
                }

                @Override
                public void setState(double[] state) {
                    s = state.clone();
                }

                @Override
                public void setParameters(double[] p) {
                    gain = p[0];
                }
            };
        }
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        for (String a : ALGORITHMS) {
            System.out.print(run(threads, args.length > 1 && args[1].equals("--quick"), a).toTable());
        }
    }
}
