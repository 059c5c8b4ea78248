package org.mbmrl.workers.model;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The straightforward ND4J implementation of {@link GaussianMlp} as it was before the
 * kernels were optimized (one fresh array per op, bias add and bias gradient by broadcast
 * and reduction, output terms by ND4J ops): kept as the reference the optimized model is
 * tested against, in float and double.
 */
final class ReferenceGaussianMlp {
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private final MlpSpec spec;
    private final DataType dtype;

    ReferenceGaussianMlp(MlpSpec spec, DataType dtype) {
        if (dtype != DataType.FLOAT && dtype != DataType.DOUBLE) {
            throw new IllegalArgumentException("model dtype must be FLOAT or DOUBLE; got " + dtype);
        }
        this.spec = spec;
        this.dtype = dtype;
    }

    public MlpSpec spec() {
        return spec;
    }

    public DataType dtype() {
        return dtype;
    }

    /** Xavier-normal weights (DL4J's {@code XAVIER}: std sqrt(2 / (nIn + nOut))), zero biases. */
    public INDArray initialParameters(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] p = new double[spec.parameterCount()];
        for (int l = 0; l < spec.layers(); l++) {
            int off = (int) spec.weightOffset(l);
            int count = spec.nIn(l) * spec.nOut(l);
            double std = Math.sqrt(2.0 / (spec.nIn(l) + spec.nOut(l)));
            for (int i = 0; i < count; i++) {
                p[off + i] = std * gaussian(rng);
            }
        }
        return Nd4j.create(p, new long[] {1, p.length}, DataType.DOUBLE).castTo(dtype);
    }

    private static double gaussian(SplittableRandom rng) {
        // Box-Muller from two uniforms: reproducible, unlike java.util.Random's cached pair.
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** A new zero vector shaped like the parameters. */
    public INDArray zeros() {
        return Nd4j.zeros(dtype, 1, spec.parameterCount());
    }

    /** Layer {@code l}'s weight matrix (nIn x nOut), a column-major view into {@code flat}. */
    public INDArray weights(INDArray flat, int l) {
        checkFlat(flat);
        long nIn = spec.nIn(l);
        long nOut = spec.nOut(l);
        return Nd4j.create(flat.data(), new long[] {nIn, nOut}, new long[] {1, nIn},
                flat.offset() + spec.weightOffset(l), 'f', dtype);
    }

    /** Layer {@code l}'s bias (1 x nOut), a view into {@code flat}. */
    public INDArray bias(INDArray flat, int l) {
        checkFlat(flat);
        long nOut = spec.nOut(l);
        return Nd4j.create(flat.data(), new long[] {1, nOut}, new long[] {nOut, 1},
                flat.offset() + spec.biasOffset(l), 'c', dtype);
    }

    private void checkFlat(INDArray flat) {
        if (flat.dataType() != dtype || flat.rank() != 2 || flat.rows() != 1 || flat.columns() != spec.parameterCount()
                || flat.elementWiseStride() != 1) {
            throw new IllegalStateException("expected a contiguous [1, " + spec.parameterCount() + "] " + dtype
                    + " parameter vector; got " + flat.shapeInfoToString());
        }
    }

    /** Activations of every layer: {@code a[0] = x}, {@code a[L]} = output (mu | lv). */
    private INDArray[] forward(INDArray theta, INDArray x) {
        int layers = spec.layers();
        INDArray[] a = new INDArray[layers + 1];
        a[0] = x;
        for (int l = 0; l < layers; l++) {
            INDArray z = Nd4j.createUninitialized(dtype, x.rows(), spec.nOut(l));
            Nd4j.gemm(a[l], weights(theta, l), z, false, false, 1.0, 0.0);
            z.addiRowVector(bias(theta, l));
            if (l < layers - 1) {
                activate(z);
            }
            a[l + 1] = z;
        }
        return a;
    }

    private void activate(INDArray z) {
        switch (spec.activation()) {
            case TANH -> Transforms.tanh(z, false);
            case RELU -> Transforms.relu(z, false);
        }
    }

    /** sigma'(z) written in terms of a = sigma(z). */
    private INDArray derivative(INDArray a) {
        return switch (spec.activation()) {
            case TANH -> a.mul(a).rsubi(1.0);
            case RELU -> Transforms.step(a, true);
        };
    }

    /** Predicted mean and log-variance of the normalized state change, each B x ds. */
    public Prediction predict(INDArray theta, INDArray x) {
        INDArray out = forward(theta, x)[spec.layers()];
        int ds = spec.observationDim();
        return new Prediction(out.get(NDArrayIndex.all(), NDArrayIndex.interval(0, ds)).dup(),
                out.get(NDArrayIndex.all(), NDArrayIndex.interval(ds, 2 * ds)).dup());
    }

    /** The mean and log-variance of a prediction. */
    public record Prediction(INDArray mean, INDArray logVariance) {}

    /** Mean negative log-likelihood of {@code y} under the model at {@code theta}. */
    public double loss(INDArray theta, INDArray x, INDArray y) {
        return outputTerms(forward(theta, x)[spec.layers()], y).loss;
    }

    /** Mean squared error of the predicted mean (normalized units). */
    public double meanSquaredError(INDArray theta, INDArray x, INDArray y) {
        Prediction p = predict(theta, x);
        INDArray r = p.mean().subi(y);
        return r.muli(r).sumNumber().doubleValue() / y.length();
    }

    /**
     * The loss at {@code theta} and its gradient, written into {@code gradient} (a [1, P]
     * vector of the model's type, overwritten).
     */
    public double lossAndGradient(INDArray theta, INDArray x, INDArray y, INDArray gradient) {
        INDArray[] a = forward(theta, x);
        INDArray out = a[spec.layers()];
        OutputTerms t = outputTerms(out, y);
        INDArray delta = t.dOut;
        for (int l = spec.layers() - 1; l >= 0; l--) {
            Nd4j.gemm(a[l], delta, weights(gradient, l), true, false, 1.0, 0.0);
            bias(gradient, l).assign(delta.sum(true, 0));
            if (l > 0) {
                INDArray dA = Nd4j.gemm(delta, weights(theta, l), false, true);
                delta = dA.muli(derivative(a[l]));
            }
        }
        return t.loss;
    }

    /**
     * The Hessian of the loss at {@code theta} times {@code v}, written into {@code out}:
     * Pearlmutter's R-operator, R{g} = d/dr g(theta + r v) at r = 0, carried through the
     * forward pass (R{z}, R{a}) and the backward pass (R{delta}). Exact up to rounding; costs
     * about two gradient evaluations.
     */
    public void hessianVectorProduct(INDArray theta, INDArray x, INDArray y, INDArray v, INDArray out) {
        int layers = spec.layers();
        INDArray[] a = forward(theta, x);
        // Forward R-pass: ra[l] = R{a[l]}; ra[0] = 0 (the input does not depend on theta).
        INDArray[] ra = new INDArray[layers + 1];
        for (int l = 0; l < layers; l++) {
            INDArray rz = Nd4j.createUninitialized(dtype, x.rows(), spec.nOut(l));
            Nd4j.gemm(a[l], weights(v, l), rz, false, false, 1.0, 0.0);
            rz.addiRowVector(bias(v, l));
            if (l > 0) {
                Nd4j.gemm(ra[l], weights(theta, l), rz, false, false, 1.0, 1.0);
            }
            ra[l + 1] = l < layers - 1 ? rz.muli(derivative(a[l + 1])) : rz;
        }
        // Output layer: delta = dL/d(out) and R{delta}.
        int ds = spec.observationDim();
        double b = x.rows();
        INDArray o = a[layers];
        INDArray mu = o.get(NDArrayIndex.all(), NDArrayIndex.interval(0, ds));
        INDArray lv = o.get(NDArrayIndex.all(), NDArrayIndex.interval(ds, 2 * ds));
        INDArray rmu = ra[layers].get(NDArrayIndex.all(), NDArrayIndex.interval(0, ds));
        INDArray rlv = ra[layers].get(NDArrayIndex.all(), NDArrayIndex.interval(ds, 2 * ds));
        INDArray r = mu.sub(y);
        INDArray w = Transforms.exp(lv.neg(), false);
        OutputTerms t = outputTerms(o, y);
        INDArray rDelta = Nd4j.createUninitialized(dtype, x.rows(), 2L * ds);
        // R{dmu} = w (R{mu} - r R{lv}) / B
        rDelta.get(NDArrayIndex.all(), NDArrayIndex.interval(0, ds))
                .assign(rmu.sub(r.mul(rlv)).muli(w).divi(b));
        // R{dlv} = -0.5 w r (2 R{mu} - r R{lv}) / B
        rDelta.get(NDArrayIndex.all(), NDArrayIndex.interval(ds, 2 * ds))
                .assign(rmu.mul(2.0).subi(r.mul(rlv)).muli(r).muli(w).muli(-0.5 / b));
        INDArray delta = t.dOut;
        for (int l = layers - 1; l >= 0; l--) {
            INDArray gw = weights(out, l);
            Nd4j.gemm(a[l], rDelta, gw, true, false, 1.0, 0.0);
            if (l > 0) {
                Nd4j.gemm(ra[l], delta, gw, true, false, 1.0, 1.0);
            }
            bias(out, l).assign(rDelta.sum(true, 0));
            if (l > 0) {
                INDArray wl = weights(theta, l);
                INDArray dA = Nd4j.gemm(delta, wl, false, true);
                INDArray rdA = Nd4j.gemm(rDelta, wl, false, true);
                Nd4j.gemm(delta, weights(v, l), rdA, false, true, 1.0, 1.0);
                INDArray d1 = derivative(a[l]);
                INDArray newRDelta = rdA.muli(d1);
                if (spec.activation() == Activation.TANH) {
                    // d/dr tanh'(z) = -2 a R{a}
                    newRDelta.subi(dA.mul(a[l]).muli(ra[l]).muli(2.0));
                }
                delta = dA.muli(d1);
                rDelta = newRDelta;
            }
        }
    }

    private record OutputTerms(double loss, INDArray dOut) {}

    /** The loss and dL/d(out) = [(mu - y) w / B | 0.5 (1 - (y - mu)^2 w) / B], w = exp(-lv). */
    private OutputTerms outputTerms(INDArray out, INDArray y) {
        int ds = spec.observationDim();
        double b = y.rows();
        INDArray mu = out.get(NDArrayIndex.all(), NDArrayIndex.interval(0, ds));
        INDArray lv = out.get(NDArrayIndex.all(), NDArrayIndex.interval(ds, 2 * ds));
        INDArray r = mu.sub(y);
        INDArray w = Transforms.exp(lv.neg(), false);
        INDArray r2w = r.mul(r).muli(w);
        double loss = 0.5 * (r2w.add(lv).sumNumber().doubleValue() / b + ds * LOG_2PI);
        INDArray dOut = Nd4j.createUninitialized(dtype, y.rows(), 2L * ds);
        dOut.get(NDArrayIndex.all(), NDArrayIndex.interval(0, ds)).assign(r.muli(w).divi(b));
        dOut.get(NDArrayIndex.all(), NDArrayIndex.interval(ds, 2 * ds)).assign(r2w.rsubi(1.0).muli(0.5 / b));
        return new OutputTerms(loss, dOut);
    }
}
