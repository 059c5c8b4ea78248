package org.mbmrl.workers.control;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.mbmrl.datasets.Split;
import org.mbmrl.datasets.family.Simulator;
import org.mbmrl.datasets.family.TaskFamily;
import org.mbmrl.workers.NativeThreads;
import org.mbmrl.workers.bench.KernelBenchmarks;
import org.mbmrl.workers.model.GaussianMlp;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.MlpSpec;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Latency of one control step of online adaptation + MPC on the W1 model
 * ({@link KernelBenchmarks#W1_SPEC}: 10 observation + 16 action inputs, 512 x 3 tanh, 20
 * outputs = mean and log-variance of 10 state changes; float32): GrBAL's adapter (one
 * gradient step on the last M = 32 transitions, W2's shape, from theta* every step) and an
 * MPPI planner with 1000 candidates x horizon 15 x 1 iteration (W3's shape: 15 batched
 * forward passes of 1000 rows), on a synthetic 10-state / 16-action linear family with a
 * quadratic reward (the model is untrained: latency does not depend on its accuracy).
 *
 * <p>The window is full from the first timed step (steady state). After warm-up steps, each
 * control step's adapt time (adapter + handing phi to the dynamics) and plan time are taken
 * with {@link System#nanoTime()}; the figures are medians over the timed steps.
 * {@code candidate-steps/s} = 1000 x 15 / median plan time. Quick mode (tests) times a
 * couple of steps: its figures are not measurements. A benchmark, not a timed test.
 */
public final class ControlBenchmark {
    public static final int CANDIDATES = 1000;
    public static final int HORIZON = 15;
    public static final int WINDOW = 32;

    private ControlBenchmark() {}

    /** Median ms per control step (adapt, plan, both) and the planner's candidate-steps per second. */
    public record Figures(int threads, boolean quick, int timedSteps, double adaptMs, double planMs, double stepMs,
            double candidateStepsPerSecond) {

        public String toTable() {
            return String.format(Locale.ROOT, "control step benchmark: threads=%d, %s run, %d timed steps%n"
                    + "model %s, adapter gradient (k=1, M=%d), planner mppi %d candidates x H%d x 1 iteration%n"
                    + "adapt  %10.2f ms/step%nplan   %10.2f ms/step%ntotal  %10.2f ms/step%nmodel  %,10.0f cand-steps/s%n",
                    threads, quick ? "quick" : "full", timedSteps, describe(KernelBenchmarks.W1_SPEC), WINDOW, CANDIDATES,
                    HORIZON, adaptMs, planMs, stepMs, candidateStepsPerSecond);
        }

        private static String describe(MlpSpec s) {
            return s.inputDim() + "->" + s.hidden() + "->" + s.outputDim();
        }
    }

    /** Runs the benchmark with {@code threads} native threads; {@code quick} for a short run (tests). */
    public static Figures run(int threads, boolean quick) {
        NativeThreads.configure(threads);
        int warmup = quick ? 1 : 5;
        int timed = quick ? 2 : 30;

        MlpSpec spec = KernelBenchmarks.W1_SPEC;
        GaussianMlp model = new GaussianMlp(spec, DataType.FLOAT);
        INDArray thetaStar = model.initialParameters(7);
        TaskFamily family = new SyntheticFamily(spec.observationDim(), spec.actionDim());
        Normalizer norm = identity(spec.observationDim(), spec.actionDim());
        ModelDynamics dynamics = new ModelDynamics(model, thetaStar, norm, family);
        OnlineAdapter adapter = OnlineAdapter.create(GradientAdapter.NAME, model, thetaStar,
                new AdapterSettings(1, 1e-3, WINDOW, Loss.NLL));
        PlannerSettings ps = new PlannerSettings(PlannerSettings.Type.MPPI, HORIZON, CANDIDATES, 1, 1, 1.0, 0.5, 11);
        Planner planner = Planner.create(ps, dynamics);
        RecentTransitions recent = new RecentTransitions(WINDOW, norm, DataType.FLOAT);

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
            dynamics.setParameters(adapter.parameters(recent));
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
        return new Figures(threads, quick, timed, median(adaptMs), plan, median(stepMs),
                ps.evaluationsPerStep() / (plan / 1e3));
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
        System.out.print(run(threads, args.length > 1 && args[1].equals("--quick")).toTable());
    }
}
