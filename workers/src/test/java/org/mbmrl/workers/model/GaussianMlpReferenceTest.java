package org.mbmrl.workers.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The optimized {@link GaussianMlp} (per-thread buffers, GEMM bias add and bias gradient,
 * output terms in Java) against the straightforward {@link ReferenceGaussianMlp}, in float
 * (the training type, whose buffers the double-precision gradient checks do not exercise)
 * and double, across batch sizes that share and do not share buffers, with view inputs,
 * and from concurrent threads.
 */
class GaussianMlpReferenceTest {

    private static INDArray uniform(SplittableRandom rng, int rows, int cols, double scale, DataType dtype) {
        double[] d = new double[rows * cols];
        for (int i = 0; i < d.length; i++) {
            d[i] = scale * (2 * rng.nextDouble() - 1);
        }
        return Nd4j.create(d, new long[] {rows, cols}, DataType.DOUBLE).castTo(dtype);
    }

    private static double relative(INDArray actual, INDArray expected) {
        return actual.castTo(DataType.DOUBLE).sub(expected.castTo(DataType.DOUBLE)).norm2Number().doubleValue()
                / Math.max(1e-30, expected.castTo(DataType.DOUBLE).norm2Number().doubleValue());
    }

    /** Runs every public kernel of both models on the same inputs and compares them. */
    private static void compare(MlpSpec spec, DataType dtype, int rows, long seed, double tol, boolean viewInputs) {
        GaussianMlp fast = new GaussianMlp(spec, dtype);
        ReferenceGaussianMlp ref = new ReferenceGaussianMlp(spec, dtype);
        SplittableRandom rng = new SplittableRandom(seed);
        INDArray theta = fast.initialParameters(seed).addi(uniform(rng, 1, spec.parameterCount(), 0.05, dtype));
        INDArray x = uniform(rng, rows, spec.inputDim(), 1.5, dtype);
        INDArray y = uniform(rng, rows, spec.observationDim(), 1.0, dtype);
        INDArray v = uniform(rng, 1, spec.parameterCount(), 1.0, dtype);
        if (viewInputs) {
            // Row views of larger arrays, and a column-major copy, instead of plain arrays.
            INDArray bigX = uniform(rng, rows + 3, spec.inputDim(), 1.0, dtype);
            bigX.get(NDArrayIndex.interval(2, 2 + rows), NDArrayIndex.all()).assign(x);
            x = bigX.get(NDArrayIndex.interval(2, 2 + rows), NDArrayIndex.all());
            y = y.dup('f');
        }

        double lossRef = ref.loss(theta, x, y);
        assertEquals(lossRef, fast.loss(theta, x, y), tol * Math.max(1, Math.abs(lossRef)), "loss");

        INDArray gRef = ref.zeros();
        INDArray g = fast.zeros();
        double l1 = ref.lossAndGradient(theta, x, y, gRef);
        double l2 = fast.lossAndGradient(theta, x, y, g);
        assertEquals(l1, l2, tol * Math.max(1, Math.abs(l1)), "lossAndGradient loss");
        assertTrue(relative(g, gRef) < tol, "gradient relative difference " + relative(g, gRef));

        INDArray hRef = ref.zeros();
        INDArray h = fast.zeros();
        ref.hessianVectorProduct(theta, x, y, v, hRef);
        fast.hessianVectorProduct(theta, x, y, v, h);
        assertTrue(relative(h, hRef) < tol, "HVP relative difference " + relative(h, hRef));

        GaussianMlp.Prediction p = fast.predict(theta, x);
        ReferenceGaussianMlp.Prediction pRef = ref.predict(theta, x);
        assertTrue(relative(p.mean(), pRef.mean()) < tol, "predicted mean");
        assertTrue(relative(p.logVariance(), pRef.logVariance()) < tol, "predicted log-variance");
        assertEquals(ref.meanSquaredError(theta, x, y), fast.meanSquaredError(theta, x, y), tol * 10, "mse");
    }

    @ParameterizedTest
    @CsvSource({"FLOAT, TANH, 1e-5", "FLOAT, RELU, 1e-5", "DOUBLE, TANH, 1e-12", "DOUBLE, RELU, 1e-12"})
    void matchesReferenceAcrossBatchSizes(DataType dtype, Activation act, double tol) {
        MlpSpec spec = new MlpSpec(4, 3, 2, List.of(24, 16, 12), act);
        // 17 twice: the second call reuses the first one's buffers after other sizes used theirs.
        int[] sizes = {17, 1, 64, 17, 5};
        for (int i = 0; i < sizes.length; i++) {
            compare(spec, dtype, sizes[i], 100 + i, tol, false);
        }
    }

    @ParameterizedTest
    @CsvSource({"FLOAT, 1e-5", "DOUBLE, 1e-12"})
    void matchesReferenceOnViewAndColumnMajorInputs(DataType dtype, double tol) {
        compare(new MlpSpec(3, 2, 0, List.of(20, 10), Activation.TANH), dtype, 13, 7, tol, true);
    }

    @ParameterizedTest
    @CsvSource({"FLOAT, 1e-5", "DOUBLE, 1e-12"})
    void parameterVectorsMayBeViewsIntoLargerBuffers(DataType dtype, double tol) {
        MlpSpec spec = new MlpSpec(3, 2, 0, List.of(20, 10), Activation.TANH);
        GaussianMlp fast = new GaussianMlp(spec, dtype);
        ReferenceGaussianMlp ref = new ReferenceGaussianMlp(spec, dtype);
        SplittableRandom rng = new SplittableRandom(9);
        int p = spec.parameterCount();
        INDArray theta = fast.initialParameters(9).addi(uniform(rng, 1, p, 0.05, dtype));
        INDArray v = uniform(rng, 1, p, 1.0, dtype);
        INDArray x = uniform(rng, 11, spec.inputDim(), 1.0, dtype);
        INDArray y = uniform(rng, 11, spec.observationDim(), 1.0, dtype);
        // theta, v, gradient and HVP as [1, P] windows of one [2, 4P + 11] buffer, at odd offsets.
        INDArray big = uniform(rng, 2, 4 * p + 11, 1.0, dtype);
        INDArray thetaView = big.get(NDArrayIndex.interval(1, 2), NDArrayIndex.interval(3, 3 + p)).assign(theta);
        INDArray vView = big.get(NDArrayIndex.interval(1, 2), NDArrayIndex.interval(5 + p, 5 + 2 * p)).assign(v);
        INDArray gView = big.get(NDArrayIndex.interval(1, 2), NDArrayIndex.interval(7 + 2 * p, 7 + 3 * p));
        INDArray hView = big.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(1, 1 + p));
        INDArray before = big.dup();

        INDArray gRef = ref.zeros();
        double lossRef = ref.lossAndGradient(theta, x, y, gRef);
        assertEquals(lossRef, fast.lossAndGradient(thetaView, x, y, gView), tol * Math.max(1, Math.abs(lossRef)));
        assertTrue(relative(gView, gRef) < tol, "gradient into a view " + relative(gView, gRef));
        INDArray hRef = ref.zeros();
        ref.hessianVectorProduct(theta, x, y, v, hRef);
        fast.hessianVectorProduct(thetaView, x, y, vView, hView);
        assertTrue(relative(hView, hRef) < tol, "HVP into a view " + relative(hView, hRef));
        // Nothing outside the written windows changed.
        before.get(NDArrayIndex.interval(1, 2), NDArrayIndex.interval(7 + 2 * p, 7 + 3 * p)).assign(gView);
        before.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(1, 1 + p)).assign(hView);
        assertEquals(before, big);
    }

    @Test
    void matchesReferenceOnTheBenchmarkModelInFloat() {
        compare(new MlpSpec(10, 16, 0, List.of(512, 512, 512), Activation.TANH), DataType.FLOAT, 32, 3, 1e-4, false);
    }

    @Test
    void concurrentThreadsKeepTheirOwnBuffers() throws Exception {
        MlpSpec spec = new MlpSpec(3, 2, 0, List.of(32, 32), Activation.TANH);
        GaussianMlp model = new GaussianMlp(spec, DataType.FLOAT);
        SplittableRandom rng = new SplittableRandom(5);
        INDArray theta = model.initialParameters(5);
        int tasks = 8;
        List<INDArray[]> data = new ArrayList<>();
        List<INDArray> expected = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            int rows = t % 2 == 0 ? 16 : 24;
            INDArray x = uniform(rng, rows, spec.inputDim(), 1.0, DataType.FLOAT);
            INDArray y = uniform(rng, rows, spec.observationDim(), 1.0, DataType.FLOAT);
            data.add(new INDArray[] {x, y});
            INDArray g = model.zeros();
            model.lossAndGradient(theta, x, y, g);
            expected.add(g);
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int rep = 0; rep < 4; rep++) {
                for (int t = 0; t < tasks; t++) {
                    int task = t;
                    results.add(pool.submit(() -> {
                        INDArray g = model.zeros();
                        model.lossAndGradient(theta, data.get(task)[0], data.get(task)[1], g);
                        return g.equals(expected.get(task));
                    }));
                }
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get(), "a gradient computed concurrently differs from the serial one");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
