package org.mbmrl.workers.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.mbmrl.workers.BlasLibrary;
import org.mbmrl.workers.KernelThreads;
import org.mbmrl.workers.NativeThreads;
import org.mbmrl.workers.learn.InnerLoop;
import org.mbmrl.workers.algorithms.maml.MamlLearner;
import org.mbmrl.workers.model.Activation;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.Elementwise;
import org.mbmrl.workers.model.GaussianMlp;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.MlpSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Single-JVM kernel benchmarks of the workers' model code: the
 * machine's ND4J sgemm peak and the four workloads W1-W4 on the W1 model (MLP 26 -> 512 ->
 * 512 -> 512 -> 20, tanh, float32), each reported as a rate, GFLOP/s and FLOP utilization
 * (GFLOP/s over the sgemm peak measured in the same run, same thread setting).
 *
 * <p>Plain Java, no JMH: every measurement runs warm-up iterations, then several timed
 * repeats of a calibrated number of iterations ({@link System#nanoTime()}), and reports the
 * median repeat. A benchmark, never a timed unit test: the test of this class only checks
 * that every figure is finite and positive.
 *
 * <p>FLOP accounting, in units of F(B) = one forward pass on a batch of B rows =
 * {@code 2 * spec.forwardMacsPerSample() * B} FLOPs (GEMM multiply-adds only; the
 * elementwise work - bias add, tanh, the output terms - is not counted):
 * <ul>
 *   <li>forward ({@link GaussianMlp#predict}): 1 F;</li>
 *   <li>gradient ({@link GaussianMlp#lossAndGradient}): 3 F - forward, the weight gradients
 *       {@code a^T delta} and the input gradients {@code delta W^T} (the latter are skipped
 *       for layer 0, 2.4% of F on this model; not subtracted);</li>
 *   <li>Hessian-vector product ({@link GaussianMlp#hessianVectorProduct}): 8 F, counted from
 *       the implementation's GEMMs: forward (1), forward R-pass {@code a V} and
 *       {@code R{a} W} (2), backward R-pass {@code a^T R{delta}}, {@code R{a}^T delta},
 *       {@code delta W^T}, {@code R{delta} W^T}, {@code delta V^T} (5); again not
 *       subtracting the layer-0 terms it skips. (An estimate of ~5 F would understate the
 *       GEMM work the R-operator does: W4's GFLOP/s and utilization would be 11/14 of those
 *       reported.)</li>
 * </ul>
 * The parameter update {@code theta -= lr g} of W1/W2 (folded into the weight and bias
 * gradient products, {@link GaussianMlp#lossAndStep}) is timed but not counted.
 *
 * <p>Workloads:
 * <ul>
 *   <li>W1 gradient step, batch 256: {@code lossAndStep} (theta -= lr grad, as online
 *       adaptation and reptile's inner loop take it); samples/s; 3 F(256) per step;</li>
 *   <li>W2 adaptation step, batch 32: the same op; steps/s; 3 F(32) per step;</li>
 *   <li>W3 MPC model evaluation, 1000 candidates x horizon 15: 15 {@code predict} calls of
 *       batch 1000; candidate-steps/s; 15 F(1000);</li>
 *   <li>W4 second-order MAML meta-step, 20 tasks, M = K = 32, one inner step: 20
 *       {@link MamlLearner#metaGradient} calls (plus summing the 20 meta-gradients, not
 *       counted); meta-steps/s; per task gradient on M (3 F), gradient on K (3 F), HVP on M
 *       (8 F): 20 x 14 F(32) per meta-step.</li>
 * </ul>
 *
 * <p>Threads: {@link #setThreads(int)} configures the workloads' threads as executors do
 * ({@link NativeThreads#configure(int)}: the model code's own {@link org.mbmrl.workers.KernelThreads},
 * OpenBLAS on one thread); the sgemm peak is OpenBLAS's own on {@code threads} threads. (In M2,
 * {@code Environment.setMaxThreads} is a no-op, {@code maxThreads()} stays at the core count;
 * {@code setMaxMasterThreads} is what bounds libnd4j's op threads.) {@code OMP_NUM_THREADS},
 * read at library load, is not changed.
 * Quick mode (tests) runs small sgemm sizes and single iterations: its figures are not
 * measurements.
 *
 * <p>Usage: {@code KernelBenchmarks [--threads N] [--quick]}; the default is all cores and a
 * full run.
 */
public final class KernelBenchmarks {

    /** One benchmark line: {@code rate} in {@code unit}, its GFLOP/s and GFLOP/s over the sgemm peak. */
    public record Figure(String workload, String unit, double rate, double gflops, double utilization) {}

    /**
     * A run's results: the BLAS library it ran on ({@link BlasLibrary#name()}), the sgemm peak
     * (GFLOP/s, best size, that library's) and every figure, sgemm sizes included.
     */
    public record Figures(int threads, boolean quick, String blas, double sgemmPeakGflops, List<Figure> figures) {

        public Figures {
            figures = List.copyOf(figures);
        }

        /** The figure of the named workload (e.g. {@code "W1"}, matched as a prefix). */
        public Figure figure(String workloadPrefix) {
            for (Figure f : figures) {
                if (f.workload().startsWith(workloadPrefix)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("no figure for workload " + workloadPrefix + " in " + figures);
        }

        /** An aligned plain-text table, one line per figure. */
        public String toTable() {
            String[] head = {"workload", "rate", "unit", "GFLOP/s", "util"};
            List<String[]> rows = new ArrayList<>();
            rows.add(head);
            for (Figure f : figures) {
                rows.add(new String[] {f.workload(), format(f.rate()), f.unit(),
                        String.format(Locale.ROOT, "%.1f", f.gflops()),
                        String.format(Locale.ROOT, "%.1f%%", 100 * f.utilization())});
            }
            int[] width = new int[head.length];
            for (String[] r : rows) {
                for (int i = 0; i < r.length; i++) {
                    width[i] = Math.max(width[i], r[i].length());
                }
            }
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "kernel benchmarks: threads=%d, %s run, sgemm peak %.1f GFLOP/s%nBLAS: %s%n",
                    threads, quick ? "quick" : "full", sgemmPeakGflops, blas));
            for (int k = 0; k < rows.size(); k++) {
                String[] r = rows.get(k);
                for (int i = 0; i < r.length; i++) {
                    boolean left = i == 0 || i == 2;
                    String cell = left ? pad(r[i], width[i], true) : pad(r[i], width[i], false);
                    sb.append(i == 0 ? "" : "  ").append(cell);
                }
                sb.append(System.lineSeparator());
                if (k == 0) {
                    int total = Arrays.stream(width).sum() + 2 * (width.length - 1);
                    sb.append("-".repeat(total)).append(System.lineSeparator());
                }
            }
            return sb.toString();
        }

        private static String format(double v) {
            if (v >= 100) {
                return String.format(Locale.ROOT, "%,.0f", v);
            }
            return String.format(Locale.ROOT, "%.2f", v);
        }

        private static String pad(String s, int w, boolean left) {
            String fill = " ".repeat(Math.max(0, w - s.length()));
            return left ? s + fill : fill + s;
        }
    }

    /** How long to measure: warm-up time, timed repeats, and the target time of one repeat. */
    private record Plan(long warmupNanos, int minWarmupIterations, int repeats, long repeatNanos, int[] sgemmSizes) {}

    private static final Plan FULL = new Plan(1_500_000_000L, 5, 7, 700_000_000L, new int[] {1024, 2048});
    private static final Plan QUICK = new Plan(0L, 1, 3, 1L, new int[] {256, 512});

    /** The W1 model: 26 inputs (10 observation + 16 action), three hidden layers of 512, 20 outputs. */
    public static final MlpSpec W1_SPEC = new MlpSpec(10, 16, 0, List.of(512, 512, 512), Activation.TANH);

    private static final double LR = 1e-5;

    private KernelBenchmarks() {}

    /** Sets the workloads' threads to {@code n} through {@link NativeThreads#configure(int)}, as executors do. */
    public static void setThreads(int n) {
        NativeThreads.configure(n);
    }

    /** Runs every benchmark with {@code threads} threads; {@code quick} for a short run (tests). */
    public static Figures run(int threads, boolean quick) {
        setThreads(threads);
        Plan plan = quick ? QUICK : FULL;
        List<Figure> figures = new ArrayList<>();

        // The peak is OpenBLAS's own, on its own threads (the model code splits its GEMMs itself).
        NativeThreads.openBlasThreads(threads);
        double peak = 0;
        List<double[]> sgemm = new ArrayList<>();
        for (int n : plan.sgemmSizes()) {
            double g = sgemmGflops(n, plan);
            sgemm.add(new double[] {n, g});
            peak = Math.max(peak, g);
        }
        setThreads(threads);
        for (double[] s : sgemm) {
            figures.add(new Figure("sgemm " + (int) s[0] + "x" + (int) s[0], "GFLOP/s", s[1], s[1], s[1] / peak));
        }

        GaussianMlp model = new GaussianMlp(W1_SPEC, DataType.FLOAT);
        double f1 = 2.0 * W1_SPEC.forwardMacsPerSample(); // FLOPs of one forward pass per row

        double w1 = gradientStepSeconds(model, 256, plan, 1);
        figures.add(figure("W1 gradient step, B=256", "samples/s", 256 / w1, 3 * f1 * 256 / w1, peak));

        double w2 = gradientStepSeconds(model, 32, plan, 2);
        figures.add(figure("W2 adaptation step, B=32", "steps/s", 1 / w2, 3 * f1 * 32 / w2, peak));

        double w3 = mpcSeconds(model, 1000, 15, plan);
        figures.add(figure("W3 MPC eval, 1000 x H15", "cand-steps/s", 1000 * 15 / w3, f1 * 1000 * 15 / w3, peak));

        double w4 = metaStepSeconds(model, 20, 32, 32, plan);
        figures.add(figure("W4 MAML-2 meta-step, 20 tasks", "meta-steps/s", 1 / w4, 20 * 14 * f1 * 32 / w4, peak));
        if (threads > 1) {
            // As an executor task with this many cores runs its meta-batch: the tasks over the threads.
            double w4t = parallelMetaStepSeconds(model, 20, 32, 32, plan, threads);
            figures.add(figure("W4, tasks over " + threads + " threads x 1", "meta-steps/s", 1 / w4t, 20 * 14 * f1 * 32 / w4t,
                    peak));
        }

        return new Figures(threads, quick, BlasLibrary.name(), peak, figures);
    }

    private static Figure figure(String name, String unit, double rate, double flops, double peakGflops) {
        double g = flops / 1e9;
        return new Figure(name, unit, rate, g, g / peakGflops);
    }

    // ---------------------------------------------------------------- workloads

    private static double sgemmGflops(int n, Plan plan) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n).subi(0.5);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n).subi(0.5);
        INDArray c = Nd4j.createUninitialized(DataType.FLOAT, n, n);
        double s = medianSeconds(() -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0), null, plan);
        return 2.0 * n * n * n / s / 1e9;
    }

    private static double gradientStepSeconds(GaussianMlp model, int batch, Plan plan, long seed) {
        Batch data = randomBatch(model.spec(), batch, new SplittableRandom(seed));
        INDArray theta0 = model.initialParameters(seed);
        INDArray theta = theta0.dup();
        return medianSeconds(() -> model.lossAndStep(theta, data.x(), data.y(), Loss.NLL, LR),
                () -> theta.assign(theta0), plan);
    }

    private static double mpcSeconds(GaussianMlp model, int candidates, int horizon, Plan plan) {
        SplittableRandom rng = new SplittableRandom(3);
        INDArray theta = model.initialParameters(3);
        INDArray[] x = new INDArray[horizon];
        for (int h = 0; h < horizon; h++) {
            x[h] = uniform(rng, candidates, model.spec().inputDim(), 1.0);
        }
        double s = medianSeconds(() -> {
            for (int h = 0; h < horizon; h++) {
                model.predict(theta, x[h]);
            }
        }, null, plan);
        return s;
    }

    private static double metaStepSeconds(GaussianMlp model, int tasks, int past, int future, Plan plan) {
        INDArray theta = model.initialParameters(4);
        Batch[][] data = metaStepData(model, tasks, past, future);
        Batch[] pastData = data[0];
        Batch[] futureData = data[1];
        MamlLearner maml = new MamlLearner(model, null, new InnerLoop(past, future, 1, 1e-3, Loss.NLL), true, 1);
        INDArray g = model.zeros();
        INDArray sum = model.zeros();
        return medianSeconds(() -> {
            sum.assign(0);
            for (int t = 0; t < tasks; t++) {
                maml.metaGradient(theta, pastData[t], futureData[t], g);
                Elementwise.add(sum, g);
            }
        }, null, plan);
    }

    /**
     * W4 as an executor task with {@code threads} cores runs a meta-batch
     * ({@code TaskStep.contributeAll}): tasks i, i + threads, ... on kernel-thread part i, each
     * task's products whole on its thread, one sum per part, merged at the end.
     */
    private static double parallelMetaStepSeconds(GaussianMlp model, int tasks, int past, int future, Plan plan, int threads) {
        INDArray theta = model.initialParameters(4);
        Batch[][] data = metaStepData(model, tasks, past, future);
        Batch[] pastData = data[0];
        Batch[] futureData = data[1];
        INDArray total = model.zeros();
        INDArray[] sums = new INDArray[threads];
        INDArray[] grads = new INDArray[threads];
        MamlLearner[] learners = new MamlLearner[threads];
        for (int k = 0; k < threads; k++) {
            sums[k] = model.zeros();
            grads[k] = model.zeros();
            learners[k] = new MamlLearner(model, null, new InnerLoop(past, future, 1, 1e-3, Loss.NLL), true, 1);
        }
        return medianSeconds(() -> {
            KernelThreads.run(threads, share -> {
                sums[share].assign(0);
                for (int t = share; t < tasks; t += threads) {
                    learners[share].metaGradient(theta, pastData[t], futureData[t], grads[share]);
                    Elementwise.add(sums[share], grads[share]);
                }
            });
            total.assign(0);
            for (INDArray sum : sums) {
                Elementwise.add(total, sum);
            }
        }, null, plan);
    }

    /** W4's tasks: {@code [0]} the past batches, {@code [1]} the future ones (seeded). */
    private static Batch[][] metaStepData(GaussianMlp model, int tasks, int past, int future) {
        SplittableRandom rng = new SplittableRandom(4);
        Batch[][] data = new Batch[2][tasks];
        for (int t = 0; t < tasks; t++) {
            data[0][t] = randomBatch(model.spec(), past, rng);
            data[1][t] = randomBatch(model.spec(), future, rng);
        }
        return data;
    }

    private static Batch randomBatch(MlpSpec spec, int rows, SplittableRandom rng) {
        return new Batch(uniform(rng, rows, spec.inputDim(), 1.0), uniform(rng, rows, spec.observationDim(), 1.0));
    }

    private static INDArray uniform(SplittableRandom rng, int rows, int cols, double scale) {
        float[] d = new float[rows * cols];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (scale * (2 * rng.nextDouble() - 1));
        }
        return Nd4j.create(d, new long[] {rows, cols}, 'c');
    }

    // ---------------------------------------------------------------- timing

    /**
     * Median over {@code plan.repeats} of the mean seconds per call of {@code op}, after a
     * warm-up; {@code reset} (untimed, may be null) runs before the warm-up and every repeat.
     */
    private static double medianSeconds(Runnable op, Runnable reset, Plan plan) {
        if (reset != null) {
            reset.run();
        }
        long start = System.nanoTime();
        int warm = 0;
        long elapsed;
        do {
            op.run();
            warm++;
            elapsed = System.nanoTime() - start;
        } while (warm < plan.minWarmupIterations() || elapsed < plan.warmupNanos());
        double perCall = (double) elapsed / warm;
        int iterations = (int) Math.max(1, Math.min(1_000_000, Math.round(plan.repeatNanos() / perCall)));
        double[] seconds = new double[plan.repeats()];
        for (int r = 0; r < seconds.length; r++) {
            if (reset != null) {
                reset.run();
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                op.run();
            }
            seconds[r] = (System.nanoTime() - t0) / 1e9 / iterations;
        }
        Arrays.sort(seconds);
        return seconds[seconds.length / 2];
    }

    public static void main(String[] args) {
        int threads = Runtime.getRuntime().availableProcessors();
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--threads" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--threads needs a value");
                    }
                    threads = Integer.parseInt(args[++i]);
                }
                default -> throw new IllegalArgumentException(
                        "unknown argument '" + args[i] + "'; usage: KernelBenchmarks [--threads N] [--quick]");
            }
        }
        System.out.print(run(threads, quick).toTable());
    }
}
