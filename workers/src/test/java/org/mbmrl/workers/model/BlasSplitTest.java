package org.mbmrl.workers.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.mbmrl.workers.BlasLibrary;
import org.mbmrl.workers.KernelThreads;
import org.mbmrl.workers.NativeThreads;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A GEMM split over kernel threads computes the whole GEMM's product (to float rounding; the
 * same bits at a given thread count however the parts are scheduled), and so does the model.
 */
class BlasSplitTest {
    @AfterAll
    static void back() {
        NativeThreads.configure(1);
    }

    @Test
    void blocksCoverTheExtentOnAlignedBoundaries() {
        for (int extent : new int[] {17, 20, 32, 100, 512, 1000}) {
            for (int parts = 1; parts <= 4; parts++) {
                assertEquals(0, Blas.blockStart(extent, parts, 0));
                assertEquals(extent, Blas.blockStart(extent, parts, parts));
                for (int i = 1; i < parts; i++) {
                    int s = Blas.blockStart(extent, parts, i);
                    assertEquals(0, s % 16, "block " + i + " of " + parts + " over " + extent);
                    assertTrue(s >= Blas.blockStart(extent, parts, i - 1));
                }
            }
        }
    }

    @Test
    void splitGemmComputesTheWholeProduct() {
        SplittableRandom rng = new SplittableRandom(5);
        int[][] shapes = {{32, 512, 512}, {1000, 512, 512}, {512, 512, 32}, {32, 512, 26}, {1000, 20, 512}, {100, 64, 64},
            {7, 300, 257}};
        for (DataType dtype : List.of(DataType.FLOAT, DataType.DOUBLE)) {
            double tolerance = dtype == DataType.FLOAT ? 1e-4 : 1e-12;
            for (int[] s : shapes) {
                for (boolean ta : new boolean[] {false, true}) {
                    for (boolean tb : new boolean[] {false, true}) {
                        int m = s[0];
                        int n = s[1];
                        int k = s[2];
                        INDArray a = random(rng, dtype, ta ? k : m, ta ? m : k);
                        INDArray b = random(rng, dtype, tb ? n : k, tb ? k : n);
                        INDArray c0 = random(rng, dtype, m, n);
                        double[] whole = product(1, dtype, ta, tb, m, n, k, a, b, c0);
                        for (int threads : new int[] {2, 3}) {
                            double[] split = product(threads, dtype, ta, tb, m, n, k, a, b, c0);
                            String what = dtype + " " + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " threads=" + threads;
                            for (int i = 0; i < whole.length; i++) {
                                assertEquals(whole[i], split[i], tolerance * Math.sqrt(k) * Math.max(1, Math.abs(whole[i])),
                                        what + " element " + i);
                            }
                            assertArrayEquals(split, product(threads, dtype, ta, tb, m, n, k, a, b, c0), 0.0, what + " again");
                        }
                    }
                }
            }
        }
    }

    @Test
    void everyPathComputesTheProductInsideLargerArrays() {
        // Offsets and leading dimensions beyond the operands' own widths, as the flat parameter
        // vector's blocks are addressed; shapes through the transposed path and the direct one.
        SplittableRandom rng = new SplittableRandom(8);
        int[][] shapes = {{32, 512, 512}, {16, 300, 257}, {64, 256, 64}, {65, 512, 512}, {32, 512, 26}, {200, 40, 70}};
        for (DataType dtype : List.of(DataType.FLOAT, DataType.DOUBLE)) {
            double tolerance = dtype == DataType.FLOAT ? 1e-5 : 1e-13;
            for (int[] s : shapes) {
                int m = s[0];
                int n = s[1];
                int k = s[2];
                for (boolean ta : new boolean[] {false, true}) {
                    for (boolean tb : new boolean[] {false, true}) {
                        for (double beta : new double[] {0.0, 1.0, 0.5}) {
                            int lda = (ta ? m : k) + 3;
                            int ldb = (tb ? k : n) + 5;
                            int ldc = n + 7;
                            INDArray a = random(rng, dtype, 1, 11 + (ta ? k : m) * lda);
                            INDArray b = random(rng, dtype, 1, 13 + (tb ? n : k) * ldb);
                            INDArray c = random(rng, dtype, 1, 17 + m * ldc + 9);
                            double[] av = a.toDoubleVector();
                            double[] bv = b.toDoubleVector();
                            double[] expected = c.toDoubleVector();
                            for (int r = 0; r < m; r++) {
                                for (int j = 0; j < n; j++) {
                                    double dot = 0;
                                    for (int q = 0; q < k; q++) {
                                        dot += av[11 + (ta ? q * lda + r : r * lda + q)] * bv[13 + (tb ? j * ldb + q : q * ldb + j)];
                                    }
                                    int at = 17 + r * ldc + j;
                                    expected[at] = 0.75 * dot + beta * expected[at];
                                }
                            }
                            for (int threads : new int[] {1, 2}) {
                                NativeThreads.configure(threads);
                                INDArray got = c.dup();
                                Blas.gemm(dtype, ta, tb, m, n, k, 0.75, Blas.address(a), 11, lda, Blas.address(b), 13, ldb, beta,
                                        Blas.address(got), 17, ldc);
                                double[] g = got.toDoubleVector();
                                String what = dtype + " " + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " beta=" + beta
                                        + " threads=" + threads + " via transpose=" + Blas.viaTranspose(tb, m, n, k);
                                for (int i = 0; i < g.length; i++) {
                                    assertEquals(expected[i], g[i], tolerance * Math.sqrt(k) * Math.max(1, Math.abs(expected[i])),
                                            what + " element " + i);
                                }
                            }
                        }
                    }
                }
            }
        }
        assertTrue(Blas.viaTranspose(true, 32, 512, 512) && !Blas.viaTranspose(false, 32, 512, 512)
                && !Blas.viaTranspose(true, 65, 512, 512) && !Blas.viaTranspose(true, 32, 512, 26));
    }

    /**
     * A product's bits do not depend on where its operands start in memory (a resumed run or
     * another executor allocates its buffers elsewhere): the models' shapes at 16 element
     * offsets, each path, one thread and two, on the library this JVM loaded.
     */
    @Test
    void productBitsDoNotDependOnTheOperandsAlignment() {
        int[][] shapes = {{32, 512, 512}, {512, 512, 32}, {1000, 512, 512}, {32, 20, 512}, {32, 512, 26}, {40, 64, 64}};
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    SplittableRandom rng = new SplittableRandom(13);
                    float[] av = floats(rng, m * k);
                    float[] bv = floats(rng, k * n);
                    float[] cv = floats(rng, m * n);
                    for (int threads : new int[] {1, 2}) {
                        NativeThreads.configure(threads);
                        float[] first = null;
                        for (int offset = 0; offset < 16; offset++) {
                            INDArray a = Nd4j.createUninitialized(DataType.FLOAT, 1, offset + av.length);
                            INDArray b = Nd4j.createUninitialized(DataType.FLOAT, 1, 3 * offset % 16 + bv.length);
                            INDArray c = Nd4j.createUninitialized(DataType.FLOAT, 1, 5 * offset % 16 + cv.length);
                            int offB = 3 * offset % 16;
                            int offC = 5 * offset % 16;
                            put(a, offset, av);
                            put(b, offB, bv);
                            put(c, offC, cv);
                            Blas.gemm(DataType.FLOAT, ta, tb, m, n, k, -0.01, Blas.address(a), offset, ta ? m : k, Blas.address(b),
                                    offB, tb ? k : n, 1.0, Blas.address(c), offC, n);
                            float[] got = java.util.Arrays.copyOfRange(c.toFloatVector(), offC, offC + cv.length);
                            if (first == null) {
                                first = got;
                            } else {
                                assertArrayEquals(first, got, m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " threads="
                                        + threads + " offset " + offset + " (" + BlasLibrary.name() + ")");
                            }
                        }
                    }
                }
            }
        }
    }

    /** The test JVM runs on the library the build asked for (MKL unless -Dblas.load=openblas). */
    @Test
    void theBuildsLibraryIsTheOneLoaded() {
        String load = System.getProperty(BlasLibrary.LOAD_PROPERTY, "");
        assertEquals(load.startsWith("mkl"), BlasLibrary.isMkl(), load + " -> " + BlasLibrary.name());
        assertTrue(BlasLibrary.name().contains(BlasLibrary.isMkl() ? "Math Kernel Library" : "OpenBLAS"), BlasLibrary.name());
    }

    private static float[] floats(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextDouble() - 0.5);
        }
        return v;
    }

    private static void put(INDArray flat, int offset, float[] values) {
        for (int i = 0; i < offset; i++) {
            flat.putScalar(i, Float.NaN);
        }
        org.bytedeco.javacpp.FloatPointer p = new org.bytedeco.javacpp.FloatPointer(Blas.address(flat));
        p.position(offset).put(values);
    }

    @Test
    void concurrentCallersGetTheSameBitsAsOneCaller() throws Exception {
        MlpSpec spec = new MlpSpec(10, 16, 0, List.of(512, 512, 512), Activation.TANH);
        GaussianMlp model = new GaussianMlp(spec, DataType.FLOAT);
        INDArray theta = model.initialParameters(4);
        SplittableRandom rng = new SplittableRandom(11);
        INDArray x = random(rng, DataType.FLOAT, 64, spec.inputDim());
        INDArray y = random(rng, DataType.FLOAT, 64, spec.observationDim());
        INDArray v = random(rng, DataType.FLOAT, 1, model.parameterCount());
        double[][] alone = modelOutputs(2, model, theta, x, y, v);
        // Two callers at once: one has the helper thread, the other runs the same parts in turn.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<double[][]>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                runs.add(pool.submit(() -> outputs(model, theta, x, y, v)));
            }
            for (java.util.concurrent.Future<double[][]> run : runs) {
                double[][] got = run.get();
                for (int i = 0; i < alone.length; i++) {
                    assertArrayEquals(alone[i], got[i], 0.0, "output " + i);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rowOwnedStepUpdatesEveryParameterOnceWithThePlainStepsBits() {
        for (int trailing : new int[] {0, 7}) {
            MlpSpec spec = new MlpSpec(10, 16, 0, List.of(512, 20, 512), Activation.TANH);
            GaussianMlp model = new GaussianMlp(spec, DataType.FLOAT, trailing);
            SplittableRandom rng = new SplittableRandom(21);
            INDArray theta = random(rng, DataType.FLOAT, 1, model.parameterCount());
            INDArray g = random(rng, DataType.FLOAT, 1, model.parameterCount());
            INDArray expected = Nd4j.createUninitialized(DataType.FLOAT, 1, model.parameterCount());
            NativeThreads.configure(1);
            Elementwise.subScaled(theta, g, 0.01, expected);
            for (int threads : new int[] {1, 2, 3}) {
                NativeThreads.configure(threads);
                INDArray got = theta.dup();
                model.gradientStep(got, g, 0.01, got);
                assertEquals(expected, got, "threads " + threads + ", trailing " + trailing);
            }
        }
    }

    /**
     * The fused step (the gradient products accumulating -lr grad straight into theta) is the
     * plain gradient-then-step: in double to rounding, at one thread and split over two, with
     * the input gradients taken before the weights change, biases and trailing parameters
     * included; in float its bits repeat at a given thread count.
     */
    @Test
    void lossAndStepIsTheGradientThenTheStep() {
        for (int trailing : new int[] {0, 7}) {
            MlpSpec spec = new MlpSpec(10, 16, 0, List.of(512, 512, 512), Activation.TANH);
            for (DataType dtype : List.of(DataType.DOUBLE, DataType.FLOAT)) {
                GaussianMlp model = new GaussianMlp(spec, dtype, trailing);
                SplittableRandom rng = new SplittableRandom(31);
                INDArray theta = model.initialParameters(8);
                INDArray x = random(rng, dtype, 32, spec.inputDim());
                INDArray y = random(rng, dtype, 32, spec.observationDim());
                double lr = 0.05;
                for (int threads : new int[] {1, 2}) {
                    NativeThreads.configure(threads);
                    INDArray plain = theta.dup();
                    INDArray g = model.zeros();
                    double plainLoss = model.lossAndGradient(plain, x, y, Loss.NLL, g, null);
                    model.gradientStep(plain, g, lr, plain);
                    INDArray fused = theta.dup();
                    double fusedLoss = model.lossAndStep(fused, x, y, Loss.NLL, lr);
                    assertEquals(plainLoss, fusedLoss, 0.0, "the loss before the step");
                    double[] p = plain.toDoubleVector();
                    double[] f = fused.toDoubleVector();
                    double[] t = theta.toDoubleVector();
                    double moved = 0;
                    double worst = 0;
                    for (int i = 0; i < p.length; i++) {
                        moved = Math.max(moved, Math.abs(p[i] - t[i]));
                        worst = Math.max(worst, Math.abs(p[i] - f[i]));
                    }
                    assertTrue(moved > 1e-4, "the step moves theta (else this test shows nothing): " + moved);
                    double tolerance = dtype == DataType.DOUBLE ? 1e-13 : 1e-6;
                    assertTrue(worst <= tolerance, dtype + ", threads " + threads + ", trailing " + trailing
                            + ": fused differs from the plain step by " + worst);
                    for (int i = spec.parameterCount(); i < p.length; i++) {
                        assertEquals(t[i], f[i], 0.0, "trailing parameter " + i);
                    }
                    INDArray again = theta.dup();
                    model.lossAndStep(again, x, y, Loss.NLL, lr);
                    assertEquals(fused, again, dtype + ", threads " + threads + ": the same bits twice");
                }
            }
        }
    }

    @Test
    void workInsideAPartRunsWholeWithOneThreadsBits() {
        // 400 wide: 512 wide, every split product gave one thread's bits on an AVX-512 machine
        // (its kernels' own blocks over k match a split at 256), so the test showed nothing there.
        MlpSpec spec = new MlpSpec(10, 16, 0, List.of(400, 400, 400), Activation.TANH);
        GaussianMlp model = new GaussianMlp(spec, DataType.FLOAT);
        INDArray theta = model.initialParameters(6);
        SplittableRandom rng = new SplittableRandom(13);
        INDArray[] x = new INDArray[2];
        INDArray[] y = new INDArray[2];
        INDArray v = random(rng, DataType.FLOAT, 1, model.parameterCount());
        double[][][] one = new double[2][][];
        for (int t = 0; t < 2; t++) {
            x[t] = random(rng, DataType.FLOAT, 32, spec.inputDim());
            y[t] = random(rng, DataType.FLOAT, 32, spec.observationDim());
            one[t] = modelOutputs(1, model, theta, x[t], y[t], v);
        }
        NativeThreads.configure(2);
        double[][] split = outputs(model, theta, x[0], y[0], v);
        assertTrue(!java.util.Arrays.equals(one[0][1], split[1]), "a split product rounds differently (else this test shows nothing)");
        // Two tasks side by side, as an executor task with two cores runs them: each part's own
        // products whole on its thread (part 0 on the caller, part 1 on the helper).
        double[][][] inParts = new double[2][][];
        int[] threadsSeen = new int[2];
        KernelThreads.run(2, t -> {
            threadsSeen[t] = KernelThreads.threads();
            inParts[t] = outputs(model, theta, x[t], y[t], v);
        });
        assertArrayEquals(new int[] {1, 1}, threadsSeen);
        assertEquals(2, KernelThreads.threads(), "outside the parts the work splits again");
        for (int t = 0; t < 2; t++) {
            for (int i = 0; i < one[t].length; i++) {
                assertArrayEquals(one[t][i], inParts[t][i], 0.0, "task " + t + " output " + i);
            }
        }
    }

    @Test
    void modelAtMoreThreadsMatchesOneThreadToRounding() {
        MlpSpec spec = new MlpSpec(10, 16, 0, List.of(512, 512, 512), Activation.TANH);
        GaussianMlp model = new GaussianMlp(spec, DataType.FLOAT);
        INDArray theta = model.initialParameters(3);
        SplittableRandom rng = new SplittableRandom(9);
        for (int rows : new int[] {1, 32, 300}) {
            INDArray x = random(rng, DataType.FLOAT, rows, spec.inputDim());
            INDArray y = random(rng, DataType.FLOAT, rows, spec.observationDim());
            INDArray v = random(rng, DataType.FLOAT, 1, model.parameterCount());
            double[][] one = modelOutputs(1, model, theta, x, y, v);
            for (int threads : new int[] {2, 3}) {
                double[][] more = modelOutputs(threads, model, theta, x, y, v);
                for (int i = 0; i < one.length; i++) {
                    double scale = 0;
                    for (double d : one[i]) {
                        scale = Math.max(scale, Math.abs(d));
                    }
                    for (int j = 0; j < one[i].length; j++) {
                        assertEquals(one[i][j], more[i][j], 1e-4 * Math.max(1, scale),
                                "output " + i + "[" + j + "], rows " + rows + ", threads " + threads);
                    }
                }
                assertArrayEquals(more[1], modelOutputs(threads, model, theta, x, y, v)[1], 0.0, "gradient again");
            }
        }
    }

    private static double[][] modelOutputs(int threads, GaussianMlp model, INDArray theta, INDArray x, INDArray y,
            INDArray v) {
        NativeThreads.configure(threads);
        assertEquals(threads, KernelThreads.threads());
        return outputs(model, theta, x, y, v);
    }

    private static double[][] outputs(GaussianMlp model, INDArray theta, INDArray x, INDArray y, INDArray v) {
        INDArray g = model.zeros();
        double loss = model.lossAndGradient(theta, x, y, Loss.NLL, g, null);
        INDArray hv = model.zeros();
        model.hessianVectorProduct(theta, x, y, v, hv, Loss.NLL);
        DynamicsModel.Prediction p = model.predict(theta, x);
        return new double[][] {{loss}, g.ravel().toDoubleVector(), hv.ravel().toDoubleVector(), p.mean().ravel().toDoubleVector(),
            p.logVariance().ravel().toDoubleVector()};
    }

    private static double[] product(int threads, DataType dtype, boolean ta, boolean tb, int m, int n, int k, INDArray a,
            INDArray b, INDArray c0) {
        NativeThreads.configure(threads);
        INDArray c = c0.dup();
        Blas.gemm(dtype, ta, tb, m, n, k, 0.75, Blas.address(a), 0, (int) a.size(1), Blas.address(b), 0, (int) b.size(1),
                0.5, Blas.address(c), 0, n);
        return c.ravel().toDoubleVector();
    }

    private static INDArray random(SplittableRandom rng, DataType dtype, int rows, int cols) {
        double[] d = new double[rows * cols];
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextDouble(-1, 1);
        }
        return Nd4j.create(d, new long[] {rows, cols}, DataType.DOUBLE).castTo(dtype);
    }
}
