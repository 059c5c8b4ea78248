package org.mbmrl.workers.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Gradient and Hessian-vector product of the Gaussian MLP against central finite differences (double). */
class GaussianMlpTest {

    static INDArray randn(SplittableRandom rng, int rows, int cols, double scale) {
        double[] d = new double[rows * cols];
        for (int i = 0; i < d.length; i++) {
            d[i] = scale * (2 * rng.nextDouble() - 1);
        }
        return Nd4j.create(d, new long[] {rows, cols}, DataType.DOUBLE);
    }

    static Stream<Arguments> activationsAndLosses() {
        return Arrays.stream(Activation.values()).flatMap(a -> Arrays.stream(Loss.values()).map(l -> Arguments.of(a, l)));
    }

    @ParameterizedTest
    @MethodSource("activationsAndLosses")
    void gradientMatchesCentralDifferences(Activation act, Loss lossType) {
        GaussianMlp m = new GaussianMlp(new MlpSpec(3, 2, 1, List.of(7, 5), act), DataType.DOUBLE);
        SplittableRandom rng = new SplittableRandom(1);
        INDArray theta = m.initialParameters(3);
        theta.addi(randn(rng, 1, m.spec().parameterCount(), 0.1));
        INDArray x = randn(rng, 9, 6, 1.0);
        INDArray y = randn(rng, 9, 3, 1.0);
        INDArray g = m.zeros();
        double loss = m.lossAndGradient(theta, x, y, lossType, g, null);
        assertEquals(m.loss(theta, x, y, lossType), loss, 1e-12);
        double eps = 1e-6;
        double maxErr = 0;
        for (int i = 0; i < m.spec().parameterCount(); i++) {
            double orig = theta.getDouble(0, i);
            theta.putScalar(0, i, orig + eps);
            double lp = m.loss(theta, x, y, lossType);
            theta.putScalar(0, i, orig - eps);
            double lm = m.loss(theta, x, y, lossType);
            theta.putScalar(0, i, orig);
            double fd = (lp - lm) / (2 * eps);
            maxErr = Math.max(maxErr, Math.abs(fd - g.getDouble(0, i)) / Math.max(1e-3, Math.abs(fd)));
        }
        assertTrue(maxErr < 1e-5, "max relative gradient error " + maxErr);
    }

    @ParameterizedTest
    @MethodSource("activationsAndLosses")
    void hessianVectorProductMatchesDifferenceOfGradients(Activation act, Loss lossType) {
        GaussianMlp m = new GaussianMlp(new MlpSpec(2, 1, 0, List.of(6, 4), act), DataType.DOUBLE);
        SplittableRandom rng = new SplittableRandom(2);
        INDArray theta = m.initialParameters(5);
        theta.addi(randn(rng, 1, m.spec().parameterCount(), 0.2));
        INDArray x = randn(rng, 11, 3, 1.0);
        INDArray y = randn(rng, 11, 2, 1.0);
        INDArray v = randn(rng, 1, m.spec().parameterCount(), 1.0);
        INDArray hv = m.zeros();
        m.hessianVectorProduct(theta, x, y, v, hv, lossType);
        double eps = 1e-5;
        INDArray gp = m.zeros();
        INDArray gm = m.zeros();
        m.lossAndGradient(theta.add(v.mul(eps)), x, y, lossType, gp, null);
        m.lossAndGradient(theta.sub(v.mul(eps)), x, y, lossType, gm, null);
        INDArray fd = gp.sub(gm).divi(2 * eps);
        double rel = fd.sub(hv).norm2Number().doubleValue() / fd.norm2Number().doubleValue();
        assertTrue(rel < 1e-6, "relative HVP error " + rel);
    }

    @org.junit.jupiter.api.Test
    void mseIsHalfTheSquaredErrorOfTheMeanAndIgnoresTheVarianceHead() {
        GaussianMlp m = new GaussianMlp(new MlpSpec(3, 2, 0, List.of(7, 5), Activation.TANH), DataType.DOUBLE);
        SplittableRandom rng = new SplittableRandom(6);
        INDArray theta = m.initialParameters(2).addi(randn(rng, 1, m.spec().parameterCount(), 0.1));
        INDArray x = randn(rng, 8, 5, 1.0);
        INDArray y = randn(rng, 8, 3, 1.0);
        assertEquals(0.5 * 3 * m.meanSquaredError(theta, x, y), m.loss(theta, x, y, Loss.MSE), 1e-12);
        INDArray g = m.zeros();
        m.lossAndGradient(theta, x, y, Loss.MSE, g, null);
        // The last layer's weights and biases of the log-variance outputs get no gradient.
        INDArray w = m.weights(g, m.spec().layers() - 1);
        INDArray b = m.bias(g, m.spec().layers() - 1);
        for (int d = 3; d < 6; d++) {
            assertEquals(0.0, w.getColumn(d).norm2Number().doubleValue(), 0.0);
            assertEquals(0.0, b.getDouble(d), 0.0);
        }
        assertTrue(w.getColumn(0).norm2Number().doubleValue() > 0);
    }

    @org.junit.jupiter.api.Test
    void parameterVectorAsAViewGivesTheSameLossGradientAndHvp() {
        GaussianMlp m = new GaussianMlp(new MlpSpec(3, 2, 0, List.of(7, 5), Activation.TANH), DataType.DOUBLE);
        int p = m.spec().parameterCount();
        SplittableRandom rng = new SplittableRandom(4);
        INDArray plain = m.initialParameters(9).addi(randn(rng, 1, p, 0.1));
        INDArray big = randn(rng, 3, p, 1.0);
        big.getRow(1).assign(plain);
        INDArray view = big.getRow(1, true);
        INDArray x = randn(rng, 6, 5, 1.0);
        INDArray y = randn(rng, 6, 3, 1.0);
        INDArray v = randn(rng, 1, p, 1.0);
        INDArray g1 = m.zeros();
        INDArray g2 = m.zeros();
        assertEquals(m.lossAndGradient(plain, x, y, Loss.NLL, g1, null), m.lossAndGradient(view, x, y, Loss.NLL, g2, null), 0.0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(g1.toDoubleVector(), g2.toDoubleVector(), 0.0);
        m.hessianVectorProduct(plain, x, y, v, g1, Loss.NLL);
        m.hessianVectorProduct(view, x, y, v, g2, Loss.NLL);
        org.junit.jupiter.api.Assertions.assertArrayEquals(g1.toDoubleVector(), g2.toDoubleVector(), 0.0);
    }

    /** The float kernels (training's path) agree with the double ones the finite-difference checks use. */
    @ParameterizedTest
    @EnumSource(Activation.class)
    void floatKernelsAgreeWithDouble(Activation act) {
        MlpSpec spec = new MlpSpec(4, 3, 0, List.of(64, 32), act);
        GaussianMlp md = new GaussianMlp(spec, DataType.DOUBLE);
        GaussianMlp mf = new GaussianMlp(spec, DataType.FLOAT);
        SplittableRandom rng = new SplittableRandom(6);
        INDArray thetaD = md.initialParameters(2).addi(randn(rng, 1, spec.parameterCount(), 0.05));
        INDArray x = randn(rng, 40, 7, 1.0);
        INDArray y = randn(rng, 40, 4, 1.0);
        INDArray v = randn(rng, 1, spec.parameterCount(), 1.0);
        INDArray gd = md.zeros();
        INDArray gf = mf.zeros();
        double ld = md.lossAndGradient(thetaD, x, y, Loss.NLL, gd, null);
        double lf = mf.lossAndGradient(thetaD.castTo(DataType.FLOAT), x.castTo(DataType.FLOAT), y.castTo(DataType.FLOAT), Loss.NLL, gf, null);
        assertEquals(ld, lf, 1e-5 * Math.abs(ld) + 1e-6);
        double rel = gf.castTo(DataType.DOUBLE).sub(gd).norm2Number().doubleValue() / gd.norm2Number().doubleValue();
        assertTrue(rel < 1e-5, "float gradient relative error " + rel);
        md.hessianVectorProduct(thetaD, x, y, v, gd, Loss.NLL);
        mf.hessianVectorProduct(thetaD.castTo(DataType.FLOAT), x.castTo(DataType.FLOAT), y.castTo(DataType.FLOAT), v.castTo(DataType.FLOAT), gf, Loss.NLL);
        rel = gf.castTo(DataType.DOUBLE).sub(gd).norm2Number().doubleValue() / gd.norm2Number().doubleValue();
        assertTrue(rel < 1e-4, "float HVP relative error " + rel);
    }

    /** d(mean loss)/d(context of row b), against central differences, with and without the theta gradient. */
    @ParameterizedTest
    @MethodSource("activationsAndLosses")
    void contextGradientMatchesCentralDifferences(Activation act, Loss lossType) {
        int dc = 3;
        GaussianMlp m = new GaussianMlp(new MlpSpec(3, 2, dc, List.of(7, 5), act), DataType.DOUBLE);
        SplittableRandom rng = new SplittableRandom(8);
        INDArray theta = m.initialParameters(4).addi(randn(rng, 1, m.parameterCount(), 0.1));
        int rows = 6;
        INDArray x = randn(rng, rows, m.inputDim(), 1.0);
        INDArray y = randn(rng, rows, 3, 1.0);
        INDArray gc = Nd4j.zeros(DataType.DOUBLE, rows, dc);
        INDArray g = m.zeros();
        double loss = m.lossAndGradient(theta, x, y, lossType, g, gc);
        INDArray gcOnly = Nd4j.zeros(DataType.DOUBLE, rows, dc);
        assertEquals(loss, m.lossAndGradient(theta, x, y, lossType, null, gcOnly), 0.0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(gc.dup().data().asDouble(), gcOnly.dup().data().asDouble(), 0.0);
        INDArray gThetaOnly = m.zeros();
        m.lossAndGradient(theta, x, y, lossType, gThetaOnly, null);
        org.junit.jupiter.api.Assertions.assertArrayEquals(g.toDoubleVector(), gThetaOnly.toDoubleVector(), 0.0);
        double eps = 1e-6;
        double maxErr = 0;
        for (int r = 0; r < rows; r++) {
            for (int d = 0; d < dc; d++) {
                int col = m.contextOffset() + d;
                double orig = x.getDouble(r, col);
                x.putScalar(r, col, orig + eps);
                double lp = m.loss(theta, x, y, lossType);
                x.putScalar(r, col, orig - eps);
                double lm = m.loss(theta, x, y, lossType);
                x.putScalar(r, col, orig);
                double fd = (lp - lm) / (2 * eps);
                maxErr = Math.max(maxErr, Math.abs(fd - gc.getDouble(r, d)) / Math.max(1e-3, Math.abs(fd)));
            }
        }
        System.out.printf("context gradient (%s, %s): max relative error %.2e%n", act, lossType, maxErr);
        assertTrue(maxErr < 1e-4, "max relative context-gradient error " + maxErr);
        assertTrue(gc.norm2Number().doubleValue() > 0, "the context moves the loss");
    }

    @org.junit.jupiter.api.Test
    void rowLossesAverageToTheLoss() {
        GaussianMlp m = new GaussianMlp(new MlpSpec(3, 2, 1, List.of(7, 5), Activation.TANH), DataType.DOUBLE);
        SplittableRandom rng = new SplittableRandom(9);
        INDArray theta = m.initialParameters(3).addi(randn(rng, 1, m.parameterCount(), 0.1));
        INDArray x = randn(rng, 5, 6, 1.0);
        INDArray y = randn(rng, 5, 3, 1.0);
        for (Loss l : Loss.values()) {
            double[] rows = new double[5];
            double mean = m.rowLosses(theta, x, y, l, rows);
            assertEquals(m.loss(theta, x, y, l), mean, 1e-12);
            assertEquals(mean, Arrays.stream(rows).sum() / 5, 1e-12);
            // Row 2 alone is a batch of one with the same loss.
            assertEquals(m.loss(theta, x.getRow(2, true).dup(), y.getRow(2, true).dup(), l), rows[2], 1e-12);
        }
    }

    @org.junit.jupiter.api.Test
    void aContextGradientNeedsAContextInput() {
        GaussianMlp m = new GaussianMlp(new MlpSpec(3, 2, 0, List.of(4), Activation.TANH), DataType.DOUBLE);
        INDArray x = Nd4j.zeros(DataType.DOUBLE, 2, 5);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> m.lossAndGradient(m.initialParameters(1), x, y, Loss.NLL, null, Nd4j.zeros(DataType.DOUBLE, 2, 1)));
        assertTrue(e.getMessage().contains("no context input"), e.getMessage());
    }
}
