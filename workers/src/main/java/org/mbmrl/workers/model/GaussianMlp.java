package org.mbmrl.workers.model;

import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The {@link DynamicsModel} of this release, a Gaussian MLP p_theta(s' | s, a, c) on ND4J whose
 * input row is [observation | action | context] ({@link MlpSpec}): the network outputs the mean
 * {@code mu} and log-variance {@code lv} of the normalized state change, and trains on the
 * negative log-likelihood of the observed change (survey eq. 10; eq. 11 is its mean over the
 * K future transitions of a segment):
 *
 * <pre>  L = 1/B sum_b sum_d 0.5 [ (y - mu)^2 exp(-lv) + lv + log 2 pi ]</pre>
 *
 * <p>The log-variance is the network's raw output {@code q} squashed smoothly into
 * ({@value #LOG_VARIANCE_MIN}, {@value #LOG_VARIANCE_MAX}), {@code lv = c + h tanh((q - c) / h)}
 * with c the middle and h the half-width of the range, as PETS (Chua et al. 2018, the
 * survey's [6]) bounds it: an unbounded log-variance lets exp(-lv) and with it the NLL's
 * gradient grow without limit, and a plain gradient step in an inner loop then diverges.
 *
 * <p>The model is stateless: every method takes the flat parameter vector {@code theta}
 * (shape {@code [1, P]}, DL4J's layout, see {@link MlpSpec}) so one instance serves any
 * number of adapted copies phi. Beside the gradient it computes exact Hessian-vector products
 * with Pearlmutter's R-operator (a forward and a backward pass of directional derivatives),
 * which second-order MAML needs and SameDiff in ND4J M2 cannot give.
 *
 * <p>Works in {@link DataType#FLOAT} (training) or {@link DataType#DOUBLE} (gradient checks);
 * all arrays passed in must have the model's data type. Calls on different threads may run
 * concurrently as long as they do not write the same arrays: the instance holds no mutable
 * state, and the scratch arrays a pass works in are per thread (kept for the next call with
 * the same batch size by any model of the same spec and type on that thread; at most a few
 * batch sizes per thread). No result aliases them.
 */
public final class GaussianMlp implements DynamicsModel, DynamicsModel.SecondOrder {
    private static final double LOG_2PI = Math.log(2 * Math.PI);
    /** Bounds of the predicted log-variance (normalized units). */
    public static final double LOG_VARIANCE_MIN = -2.0;
    public static final double LOG_VARIANCE_MAX = 2.0;
    private static final double LV_MID = (LOG_VARIANCE_MIN + LOG_VARIANCE_MAX) / 2;
    private static final double LV_HALF = (LOG_VARIANCE_MAX - LOG_VARIANCE_MIN) / 2;

    private final MlpSpec spec;
    private final DataType dtype;
    private final int trailing;

    public GaussianMlp(MlpSpec spec, DataType dtype) {
        this(spec, dtype, 0);
    }

    /**
     * A model whose flat vectors (theta, gradients, Hessian-vector products) hold {@code trailing}
     * more numbers after the MLP's own, which the predictions do not read (their gradients are
     * zero): the encoder of a recurrent model ({@link RecurrentGaussianModel}), or Meta-SGD's
     * learned step sizes ({@link LearnedRateSpec}).
     */
    GaussianMlp(MlpSpec spec, DataType dtype, int trailing) {
        if (dtype != DataType.FLOAT && dtype != DataType.DOUBLE) {
            throw new IllegalArgumentException("model dtype must be FLOAT or DOUBLE; got " + dtype);
        }
        if (trailing < 0) {
            throw new IllegalArgumentException("trailing parameters must be >= 0; got " + trailing);
        }
        this.spec = spec;
        this.dtype = dtype;
        this.trailing = trailing;
    }

    public MlpSpec spec() {
        return spec;
    }

    @Override
    public DataType dtype() {
        return dtype;
    }

    @Override
    public int observationDim() {
        return spec.observationDim();
    }

    @Override
    public int actionDim() {
        return spec.actionDim();
    }

    @Override
    public int contextDim() {
        return spec.contextDim();
    }

    @Override
    public int parameterCount() {
        return spec.parameterCount() + trailing;
    }

    @Override
    public Optional<SecondOrder> secondOrder() {
        return Optional.of(this);
    }

    /** Xavier-normal weights (DL4J's {@code XAVIER}: std sqrt(2 / (nIn + nOut))), zero biases. */
    @Override
    public INDArray initialParameters(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] p = new double[parameterCount()];
        for (int l = 0; l < spec.layers(); l++) {
            int off = (int) spec.weightOffset(l);
            int count = spec.nIn(l) * spec.nOut(l);
            double std = Math.sqrt(2.0 / (spec.nIn(l) + spec.nOut(l)));
            for (int i = 0; i < count; i++) {
                p[off + i] = std * org.mbmrl.datasets.Seeds.gaussian(rng);
            }
        }
        return Nd4j.create(p, new long[] {1, p.length}, DataType.DOUBLE).castTo(dtype);
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
        if (flat.dataType() != dtype || flat.rank() != 2 || flat.rows() != 1 || flat.columns() != parameterCount()
                || flat.elementWiseStride() != 1) {
            throw new IllegalStateException("expected a contiguous [1, " + parameterCount() + "] " + dtype
                    + " parameter vector; got " + flat.shapeInfoToString());
        }
    }

    // ------------------------------------------------------------------ kernels
    //
    // Every pass runs in preallocated per-thread arrays (see Workspace): on this stack a fresh
    // off-heap array costs far more than the arithmetic on it (page faults on every new
    // buffer; measured here, about 3 ms for a 256 x 512 float array and 10 ms for a
    // parameter vector), and each ND4J op costs tens of microseconds of dispatch however
    // small. So: no allocation per call; the GEMMs go straight to OpenBLAS on the buffers
    // (Blas; no Mmul op, no per-layer views); the bias add is a rank-1 GEMM (ones b) the
    // layer's GEMM then accumulates into; the bias gradient is a GEMV (delta^T ones) instead
    // of a column reduction; the elementwise work (tanh, sigma'(a) and the products of the
    // backward and R passes, fused) is plain Java on the buffers (Elementwise), tanh in float
    // as a rational approximation within 7 ulp; the few numbers of the output layer
    // (B x 2 ds) are done in plain Java, in double. Up to tanh's rounding the arithmetic is
    // that of the straightforward implementation.
    //
    // Layouts: activations and deltas are c-order B x width arrays; layer l's weights W_l
    // (nIn x nOut, column-major in the flat vector) are, read row-major, W_l^T with leading
    // dimension nIn.

    /** Activations of every layer: {@code a[0] = x}, {@code a[L]} = output (mu | lv), in {@code ws}. */
    private INDArray[] forward(INDArray theta, INDArray x, Workspace ws) {
        checkFlat(theta);
        int layers = spec.layers();
        INDArray[] a = new INDArray[layers + 1];
        a[0] = plainInput(x);
        Pointer pt = Blas.address(theta);
        for (int l = 0; l < layers; l++) {
            INDArray z = ws.act[l + 1];
            Pointer pz = Blas.address(z);
            biasRows(l, pt, pz, ws);
            linear(l, Blas.address(a[l]), pt, pz, 1.0, ws);
            if (l < layers - 1) {
                activate(z);
            }
            a[l + 1] = z;
        }
        // Raw addresses do not keep arrays alive: theta (and a copied input) must outlive the calls.
        Reference.reachabilityFence(theta);
        return a;
    }

    /** {@code out = ones b_l} (rows x nOut): every row the bias of layer {@code l} in {@code params}. */
    private void biasRows(int l, Pointer params, Pointer out, Workspace ws) {
        int nOut = spec.nOut(l);
        Blas.gemm(dtype, false, false, ws.rows, nOut, 1, 1.0, ws.onesAddress, 0, 1, params, spec.biasOffset(l), nOut,
                0.0, out, 0, nOut);
    }

    /** {@code out = in W_l + beta out}: in is rows x nIn, out rows x nOut, W_l from {@code params}. */
    private void linear(int l, Pointer in, Pointer params, Pointer out, double beta, Workspace ws) {
        int nIn = spec.nIn(l);
        int nOut = spec.nOut(l);
        Blas.gemm(dtype, false, true, ws.rows, nOut, nIn, 1.0, in, 0, nIn, params, spec.weightOffset(l), nIn, beta,
                out, 0, nOut);
    }

    /** {@code out = delta W_l^T + beta out}: delta is rows x nOut, out rows x nIn. */
    private void linearTransposed(int l, Pointer delta, Pointer params, Pointer out, double beta, Workspace ws) {
        int nIn = spec.nIn(l);
        int nOut = spec.nOut(l);
        Blas.gemm(dtype, false, false, ws.rows, nIn, nOut, 1.0, delta, 0, nOut, params, spec.weightOffset(l), nIn,
                beta, out, 0, nIn);
    }

    /** Layer {@code l}'s weight block of {@code grad} = {@code a^T delta + beta} itself (stored transposed: delta^T a). */
    private void weightGradient(int l, Pointer in, Pointer delta, Pointer grad, double beta, Workspace ws) {
        weightGradient(l, in, delta, 1.0, grad, beta, ws);
    }

    /** Layer {@code l}'s weight block of {@code grad} = {@code alpha a^T delta + beta} itself. */
    private void weightGradient(int l, Pointer in, Pointer delta, double alpha, Pointer grad, double beta, Workspace ws) {
        int nIn = spec.nIn(l);
        int nOut = spec.nOut(l);
        Blas.gemm(dtype, true, false, nOut, nIn, ws.rows, alpha, delta, 0, nOut, in, 0, nIn, beta, grad,
                spec.weightOffset(l), nIn);
    }

    /** Layer {@code l}'s bias block of {@code grad} = the column sums of delta (delta^T ones). */
    private void biasGradient(int l, Pointer delta, Pointer grad, Workspace ws) {
        biasGradient(l, delta, 1.0, grad, 0.0, ws);
    }

    /** Layer {@code l}'s bias block of {@code grad} = {@code alpha} delta^T ones {@code + beta} itself. */
    private void biasGradient(int l, Pointer delta, double alpha, Pointer grad, double beta, Workspace ws) {
        int nOut = spec.nOut(l);
        Blas.gemvTransposed(dtype, ws.rows, nOut, alpha, delta, 0, nOut, ws.onesAddress, 0, beta, grad,
                spec.biasOffset(l));
    }

    private void activate(INDArray z) {
        switch (spec.activation()) {
            case TANH -> Elementwise.tanh(z);
            case RELU -> Elementwise.relu(z);
        }
    }

    @Override
    public Prediction predict(INDArray theta, INDArray x) {
        Workspace ws = workspace(x);
        INDArray out = forward(theta, x, ws)[spec.layers()];
        int ds = spec.observationDim();
        INDArray lv = out.get(NDArrayIndex.all(), NDArrayIndex.interval(ds, 2 * ds)).dup('c');
        return new Prediction(out.get(NDArrayIndex.all(), NDArrayIndex.interval(0, ds)).dup('c'),
                boundLogVariance(lv));
    }

    /** {@code lv = c + h tanh((q - c) / h)} in place: the raw output column to the log-variance. */
    public static INDArray boundLogVariance(INDArray raw) {
        return Transforms.tanh(raw.subi(LV_MID).divi(LV_HALF), false).muli(LV_HALF).addi(LV_MID);
    }

    @Override
    public double loss(INDArray theta, INDArray x, INDArray y, Loss loss) {
        Workspace ws = workspace(x);
        return outputTerms(forward(theta, x, ws)[spec.layers()], y, ws, null, null, loss);
    }

    @Override
    public double rowLosses(INDArray theta, INDArray x, INDArray y, Loss loss, double[] perRow) {
        Workspace ws = workspace(x);
        if (perRow.length < ws.rows) {
            throw new IllegalArgumentException("perRow holds " + perRow.length + " values; the batch has " + ws.rows + " rows");
        }
        return outputTerms(forward(theta, x, ws)[spec.layers()], y, ws, null, perRow, loss);
    }

    /** Mean squared error of the predicted mean (normalized units). */
    public double meanSquaredError(INDArray theta, INDArray x, INDArray y) {
        Prediction p = predict(theta, x);
        INDArray r = p.mean().subi(y);
        return r.muli(r).sumNumber().doubleValue() / y.length();
    }

    /**
     * The step split over kernel threads by each layer's rows, the blocks the forward product
     * and the weight gradient give each thread ({@link Blas#blockStart}; the input gradient is
     * split over the same rows, {@link Blas#viaInnerSplit}): a thread rewrites the parameter rows
     * only it reads, instead of rows the other core holds. Biases and any trailing parameters
     * go to part 0. Every element is computed alone, so the bits are those of the plain step.
     */
    @Override
    public void gradientStep(INDArray theta, INDArray g, double lr, INDArray out) {
        Elementwise.subScaled(theta, g, lr, out, this::ownedRanges);
    }

    private volatile int[][] owned = new int[0][];

    /** The flat element ranges part {@code part} of {@code parts} updates; built once per part count. */
    private int[] ownedRanges(int part, int parts) {
        int[][] o = owned;
        if (o.length != parts) {
            o = new int[parts][];
            for (int i = 0; i < parts; i++) {
                java.util.List<Integer> r = new java.util.ArrayList<>();
                for (int l = 0; l < spec.layers(); l++) {
                    int w = (int) spec.weightOffset(l);
                    int nIn = spec.nIn(l);
                    int from = Blas.blockStart(spec.nOut(l), parts, i);
                    int to = Blas.blockStart(spec.nOut(l), parts, i + 1);
                    if (to > from) {
                        r.add(w + from * nIn);
                        r.add(w + to * nIn);
                    }
                    if (i == 0) {
                        r.add((int) spec.biasOffset(l));
                        r.add((int) spec.biasOffset(l) + spec.nOut(l));
                    }
                }
                if (i == 0 && trailing > 0) {
                    r.add(spec.parameterCount());
                    r.add(parameterCount());
                }
                o[i] = r.stream().mapToInt(Integer::intValue).toArray();
            }
            owned = o;
        }
        return o[part];
    }

    @Override
    public double lossAndGradient(INDArray theta, INDArray x, INDArray y, Loss loss, INDArray gradient,
            INDArray contextGradient) {
        if (gradient != null) {
            checkFlat(gradient);
        }
        Workspace ws = workspace(x);
        if (contextGradient != null) {
            checkContextGradient(contextGradient, ws.rows);
        }
        ws.ensureBackward();
        INDArray[] a = forward(theta, x, ws);
        double value = outputTerms(a[spec.layers()], y, ws, ws.dOut, null, loss);
        backward(Blas.address(theta), a, ws, gradient == null ? null : Blas.address(gradient), 1.0, 0.0, contextGradient);
        Reference.reachabilityFence(theta);
        Reference.reachabilityFence(gradient);
        Reference.reachabilityFence(a);
        zeroTrailing(gradient);
        return value;
    }

    /**
     * Back-propagation from {@code ws.dOut} through the forward pass {@code a} at the weights
     * {@code pt}: each layer's input gradient first (so the weights may be the target), then
     * {@code target = alpha} (its weight and bias gradients) {@code + beta target} (null: no
     * parameter gradient), and the context's gradient at layer 0 if asked.
     */
    private void backward(Pointer pt, INDArray[] a, Workspace ws, Pointer target, double alpha, double beta,
            INDArray contextGradient) {
        INDArray delta = ws.dOut;
        for (int l = spec.layers() - 1; l >= 0; l--) {
            Pointer pd = Blas.address(delta);
            INDArray next = null;
            if (l > 0) {
                next = ws.d[l];
                linearTransposed(l, pd, pt, Blas.address(next), 0.0, ws);
                Elementwise.timesDerivative(spec.activation(), a[l], next);
            } else if (contextGradient != null) {
                // dL/dx = delta_0 W_0^T; the context columns are the context's gradient.
                ws.ensureInputGradient();
                linearTransposed(0, pd, pt, Blas.address(ws.dIn), 0.0, ws);
                copyContextColumns(ws, contextGradient);
            }
            if (target != null) {
                weightGradient(l, Blas.address(a[l]), pd, alpha, target, beta, ws);
                biasGradient(l, pd, alpha, target, beta, ws);
            }
            delta = next;
        }
    }

    /**
     * One gradient step in place, {@code theta -= lr grad L(theta)}, with no gradient vector:
     * each layer's input gradient is taken with its weights before the step, then the weight
     * and bias gradients are accumulated straight into theta by the products that compute them
     * (GEMM and GEMV with {@code alpha = -lr, beta = 1}). Saves writing, reading and rewriting a
     * parameter-sized gradient; rounds each parameter as the products round {@code theta - lr
     * g} (OpenBLAS fuses that multiply-add), so its bits are its own: the same for a given
     * thread count however the products' blocks are scheduled, as for every product here.
     * Split over kernel threads, each thread rewrites the weight rows it computed with.
     * Returns the loss at theta before the step.
     */
    @Override
    public double lossAndStep(INDArray theta, INDArray x, INDArray y, Loss loss, double lr) {
        Workspace ws = workspace(x);
        ws.ensureBackward();
        INDArray[] a = forward(theta, x, ws);
        double value = outputTerms(a[spec.layers()], y, ws, ws.dOut, null, loss);
        Pointer pt = Blas.address(theta);
        backward(pt, a, ws, pt, -lr, 1.0, null);
        Reference.reachabilityFence(theta);
        Reference.reachabilityFence(a);
        return value;
    }

    /** The trailing parameters do not enter the loss: their part of a gradient or H v is zero. */
    private void zeroTrailing(INDArray flat) {
        if (flat != null && trailing > 0) {
            flat.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(spec.parameterCount(), parameterCount())).assign(0);
        }
    }

    private void checkContextGradient(INDArray g, int rows) {
        if (spec.contextDim() == 0) {
            throw new IllegalArgumentException("this model has no context input (context_dim 0)");
        }
        if (g.dataType() != dtype || g.rank() != 2 || g.rows() != rows || g.columns() != spec.contextDim()) {
            throw new IllegalArgumentException("expected a [" + rows + ", " + spec.contextDim() + "] " + dtype
                    + " context gradient; got " + g.shapeInfoToString());
        }
    }

    private void copyContextColumns(Workspace ws, INDArray contextGradient) {
        int in = spec.inputDim();
        int dc = spec.contextDim();
        int from = spec.observationDim() + spec.actionDim();
        double[] all = ws.inputGradient;
        NdBuffers.read(ws.dIn, all, ws.rows * in);
        double[] c = ws.contextGradient;
        for (int r = 0; r < ws.rows; r++) {
            System.arraycopy(all, r * in + from, c, r * dc, dc);
        }
        NdBuffers.write(c, contextGradient, ws.rows * dc);
    }

    /**
     * The Hessian of the loss at {@code theta} times {@code v}, written into {@code out}:
     * Pearlmutter's R-operator, R{g} = d/dr g(theta + r v) at r = 0, carried through the
     * forward pass (R{z}, R{a}) and the backward pass (R{delta}). Exact up to rounding; costs
     * about two gradient evaluations.
     */
    @Override
    public void hessianVectorProduct(INDArray theta, INDArray x, INDArray y, INDArray v, INDArray out, Loss loss) {
        Workspace ws = workspace(x);
        hessianVectorProduct(theta, y, v, out, loss, ws, forward(theta, x, ws));
    }

    @Override
    public void hessianVectorProduct(INDArray theta, INDArray x, INDArray y, INDArray v, INDArray out, Loss loss,
            Forward kept) {
        Workspace ws = workspace(x);
        KeptForward k = (KeptForward) kept;
        if (!k.spec.equals(spec) || k.dtype != dtype || k.rows != ws.rows || !k.valid) {
            throw new IllegalArgumentException("the kept forward pass is not one of this model for " + ws.rows + " rows");
        }
        checkFlat(theta);
        INDArray[] a = k.act.clone();
        a[0] = plainInput(x);
        hessianVectorProduct(theta, y, v, out, loss, ws, a);
    }

    @Override
    public Forward forwardRecord(int rows, int slot) {
        Map<KeptKey, KeptForward> kept = KEPT.get();
        if (kept.size() > 32) {
            kept.clear();
        }
        return kept.computeIfAbsent(new KeptKey(spec, dtype, rows, slot), k -> new KeptForward(spec, dtype, rows));
    }

    @Override
    public double lossAndGradientKeeping(INDArray theta, INDArray x, INDArray y, Loss loss, INDArray gradient, Forward keep) {
        KeptForward k = (KeptForward) keep;
        k.valid = false;
        double value = lossAndGradient(theta, x, y, loss, gradient, null);
        Workspace ws = workspace(x);
        if (!k.spec.equals(spec) || k.dtype != dtype || k.rows != ws.rows) {
            throw new IllegalArgumentException("the forward record is not one of this model for " + ws.rows + " rows");
        }
        // The backward pass leaves the activations as the forward pass wrote them.
        for (int l = 1; l <= spec.layers(); l++) {
            Pointer.memcpy(Blas.address(k.act[l]), Blas.address(ws.act[l]), k.act[l].length() * dtype.width());
        }
        k.valid = true;
        return value;
    }

    private record KeptKey(MlpSpec spec, DataType dtype, int rows, int slot) {}

    private static final ThreadLocal<Map<KeptKey, KeptForward>> KEPT = ThreadLocal.withInitial(HashMap::new);

    /** The activations a[1..L] of one forward pass, in arrays of their own. */
    private static final class KeptForward implements Forward {
        final MlpSpec spec;
        final DataType dtype;
        final int rows;
        final INDArray[] act;
        boolean valid;

        KeptForward(MlpSpec spec, DataType dtype, int rows) {
            this.spec = spec;
            this.dtype = dtype;
            this.rows = rows;
            this.act = new INDArray[spec.layers() + 1];
            for (int l = 1; l <= spec.layers(); l++) {
                act[l] = Nd4j.createUninitialized(dtype, rows, spec.nOut(l - 1));
            }
        }
    }

    /** The R-operator passes given the forward pass {@code a} at (theta, x). */
    private void hessianVectorProduct(INDArray theta, INDArray y, INDArray v, INDArray out, Loss loss, Workspace ws,
            INDArray[] a) {
        checkFlat(v);
        checkFlat(out);
        int layers = spec.layers();
        ws.ensureBackward();
        ws.ensureHvp();
        Pointer pt = Blas.address(theta);
        Pointer pv = Blas.address(v);
        Pointer po = Blas.address(out);
        // Forward R-pass: ra[l] = R{a[l]}; ra[0] = 0 (the input does not depend on theta).
        INDArray[] ra = new INDArray[layers + 1];
        for (int l = 0; l < layers; l++) {
            INDArray rz = ws.ra[l + 1];
            Pointer prz = Blas.address(rz);
            biasRows(l, pv, prz, ws);
            linear(l, Blas.address(a[l]), pv, prz, 1.0, ws);
            if (l > 0) {
                linear(l, Blas.address(ra[l]), pt, prz, 1.0, ws);
            }
            if (l < layers - 1) {
                Elementwise.timesDerivative(spec.activation(), a[l + 1], rz);
            }
            ra[l + 1] = rz;
        }
        // Output layer: delta = dL/d(out) and R{delta}.
        outputRTerms(a[layers], ra[layers], y, ws, loss);
        INDArray delta = ws.dOut;
        INDArray rDelta = ws.rdOut;
        for (int l = layers - 1; l >= 0; l--) {
            Pointer pd = Blas.address(delta);
            Pointer prd = Blas.address(rDelta);
            weightGradient(l, Blas.address(a[l]), prd, po, 0.0, ws);
            if (l > 0) {
                weightGradient(l, Blas.address(ra[l]), pd, po, 1.0, ws);
            }
            biasGradient(l, prd, po, ws);
            if (l > 0) {
                INDArray dA = ws.d[l];
                INDArray rdA = ws.rd[l];
                Pointer prdA = Blas.address(rdA);
                linearTransposed(l, pd, pt, Blas.address(dA), 0.0, ws);
                linearTransposed(l, prd, pt, prdA, 0.0, ws);
                linearTransposed(l, pd, pv, prdA, 1.0, ws);
                // d/dr tanh'(z) = -2 a R{a}: rdA = rdA tanh' - 2 dA a R{a}; then dA *= tanh'.
                Elementwise.rBackward(spec.activation(), a[l], ra[l], dA, rdA);
                delta = dA;
                rDelta = rdA;
            }
        }
        Reference.reachabilityFence(theta);
        Reference.reachabilityFence(v);
        Reference.reachabilityFence(out);
        Reference.reachabilityFence(a);
        zeroTrailing(out);
    }

    /** {@code x} as a contiguous, non-view c-order array of the model's type and shape [B, inputs]. */
    private INDArray plainInput(INDArray x) {
        checkInput(x);
        return isPlain(x) ? x : x.dup('c');
    }

    private void checkInput(INDArray x) {
        if (x.rank() != 2 || x.columns() != spec.inputDim()) {
            throw new IllegalArgumentException("expected inputs of shape [B, " + spec.inputDim() + "]; got "
                    + Arrays.toString(x.shape()));
        }
        if (x.dataType() != dtype) {
            throw new IllegalArgumentException("expected " + dtype + " inputs; got " + x.dataType());
        }
    }

    /**
     * The loss of output {@code out} (B x 2 ds) against {@code y}; if {@code dOut} is not
     * null, dL/d(out) = [(mu - y) w / B | 0.5 (1 - (y - mu)^2 w) / B * lv'(q)], w = exp(-lv), is
     * written into it ({@link Loss#MSE}: [(mu - y) / B | 0]). In plain Java (double): a handful
     * of numbers per row.
     */
    private double outputTerms(INDArray out, INDArray y, Workspace ws, INDArray dOut, double[] perRow, Loss loss) {
        int ds = spec.observationDim();
        int rows = ws.rows;
        double[] o = ws.out;
        double[] t = ws.target;
        NdBuffers.read(out, o, (int) out.length());
        INDArray target = plainTarget(y, rows);
        NdBuffers.read(target, t, (int) target.length());
        Reference.reachabilityFence(target);
        double b = rows;
        double sum = 0;
        double[] g = ws.gradOut;
        if (loss == Loss.MSE) {
            for (int i = 0; i < rows; i++) {
                int row = i * 2 * ds;
                double rowSum = 0;
                for (int d = 0; d < ds; d++) {
                    double r = o[row + d] - t[i * ds + d];
                    sum += r * r;
                    rowSum += r * r;
                    g[row + d] = r / b;
                    g[row + ds + d] = 0;
                }
                if (perRow != null) {
                    perRow[i] = 0.5 * rowSum;
                }
            }
            if (dOut != null) {
                NdBuffers.write(g, dOut, (int) dOut.length());
            }
            return 0.5 * sum / b;
        }
        for (int i = 0; i < rows; i++) {
            int row = i * 2 * ds;
            double rowSum = 0;
            for (int d = 0; d < ds; d++) {
                double th = Math.tanh((o[row + ds + d] - LV_MID) / LV_HALF);
                double lv = LV_MID + LV_HALF * th;
                double r = o[row + d] - t[i * ds + d];
                double w = Math.exp(-lv);
                double r2w = r * r * w;
                sum += r2w + lv;
                rowSum += r2w + lv;
                g[row + d] = r * w / b;
                g[row + ds + d] = 0.5 * (1 - r2w) / b * (1 - th * th);
            }
            if (perRow != null) {
                perRow[i] = 0.5 * (rowSum + ds * LOG_2PI);
            }
        }
        if (dOut != null) {
            NdBuffers.write(g, dOut, (int) dOut.length());
        }
        return 0.5 * (sum / b + ds * LOG_2PI);
    }

    /**
     * delta = dL/d(out) into {@code ws.dOut} and its R-derivative into {@code ws.rdOut},
     * given R{out} = {@code rOut}:
     * R{dmu} = w (R{mu} - r R{lv}) / B, R{dlv} = -0.5 w r (2 R{mu} - r R{lv}) / B, with
     * R{lv} = lv'(q) R{q} and the chain through lv'(q) for the raw output q. For
     * {@link Loss#MSE}: R{dmu} = R{mu} / B, R{dlv} = 0.
     */
    private void outputRTerms(INDArray out, INDArray rOut, INDArray y, Workspace ws, Loss loss) {
        outputTerms(out, y, ws, ws.dOut, null, loss);
        int ds = spec.observationDim();
        int rows = ws.rows;
        double[] o = ws.out;
        double[] t = ws.target;
        double[] ro = ws.rOut;
        double[] rg = ws.gradOut;
        NdBuffers.read(rOut, ro, (int) rOut.length());
        double b = rows;
        if (loss == Loss.MSE) {
            // dL/dmu = r / B, so R{dmu} = R{mu} / B; the variance head gets no gradient.
            for (int i = 0; i < rows; i++) {
                int row = i * 2 * ds;
                for (int d = 0; d < ds; d++) {
                    rg[row + d] = ro[row + d] / b;
                    rg[row + ds + d] = 0;
                }
            }
            NdBuffers.write(rg, ws.rdOut, (int) ws.rdOut.length());
            return;
        }
        for (int i = 0; i < rows; i++) {
            int row = i * 2 * ds;
            for (int d = 0; d < ds; d++) {
                double th = Math.tanh((o[row + ds + d] - LV_MID) / LV_HALF);
                double dlv = 1 - th * th;
                double r = o[row + d] - t[i * ds + d];
                double w = Math.exp(-(LV_MID + LV_HALF * th));
                double rmu = ro[row + d];
                double rq = ro[row + ds + d];
                double rlv = dlv * rq;
                double gLv = 0.5 * (1 - r * r * w) / b;
                double rgLv = (2 * rmu - r * rlv) * r * w * (-0.5 / b);
                rg[row + d] = (rmu - r * rlv) * w / b;
                // d/dr [gLv * lv'(q)] with lv'' = -2 th (1 - th^2) / h
                rg[row + ds + d] = rgLv * dlv + gLv * (-2 * th * dlv / LV_HALF) * rq;
            }
        }
        NdBuffers.write(rg, ws.rdOut, (int) ws.rdOut.length());
    }

    /** {@code y} as a contiguous, non-view c-order array of the model's type and shape [rows, ds]. */
    private INDArray plainTarget(INDArray y, int rows) {
        if (y.rank() != 2 || y.rows() != rows || y.columns() != spec.observationDim()) {
            throw new IllegalArgumentException("expected targets of shape [" + rows + ", " + spec.observationDim()
                    + "]; got " + Arrays.toString(y.shape()));
        }
        if (y.dataType() != dtype) {
            throw new IllegalArgumentException("expected " + dtype + " targets; got " + y.dataType());
        }
        return isPlain(y) ? y : y.dup('c');
    }

    /** Contiguous c-order and not a view, so element i is element i of its buffer. */
    private static boolean isPlain(INDArray arr) {
        return !arr.isView() && arr.ordering() == 'c' && arr.elementWiseStride() == 1 && arr.offset() == 0
                && arr.data().length() == arr.length();
    }

    // ------------------------------------------------------------------ per-thread buffers

    /** Workspaces kept per thread (most recently used first); older ones are dropped. */
    private static final int WORKSPACES_PER_THREAD = 8;

    private record WorkspaceKey(MlpSpec spec, DataType dtype, int rows) {}

    private static final ThreadLocal<Map<WorkspaceKey, Workspace>> WORKSPACES = ThreadLocal.withInitial(
            () -> new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<WorkspaceKey, Workspace> eldest) {
                    return size() > WORKSPACES_PER_THREAD;
                }
            });

    /**
     * This thread's buffers for batches of {@code rows} rows. Shared by every model of the
     * same spec and type on the thread (a Spark task may build a new model per call); a call
     * uses them only while it runs and returns nothing that aliases them.
     */
    private Workspace workspace(INDArray x) {
        checkInput(x);
        long rows = x.rows();
        if (rows < 1 || rows * spec.outputDim() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a batch needs 1 to " + Integer.MAX_VALUE / spec.outputDim()
                    + " rows; got " + rows);
        }
        return WORKSPACES.get().computeIfAbsent(new WorkspaceKey(spec, dtype, (int) rows),
                k -> new Workspace(spec, dtype, (int) rows));
    }

    /**
     * Preallocated arrays for one (spec, type, batch size) on one thread: forward
     * activations always; backward and R-operator buffers on first use.
     */
    private static final class Workspace {
        final MlpSpec spec;
        final DataType dtype;
        final int rows;
        /** rows ones: the bias add (a rank-1 GEMM) and the bias gradient (a GEMV). */
        final INDArray ones;
        final Pointer onesAddress;
        /** act[l], l = 1..L: output of layer l-1, rows x nOut(l-1). */
        final INDArray[] act;
        /** Output, target and output gradient of the output layer, on the heap. */
        final double[] out;
        final double[] target;
        final double[] gradOut;
        /** d[l], l = 1..L-1: dL/d(a[l]), then delta of layer l-1. */
        INDArray[] d;
        INDArray dOut;
        /** dL/dx (rows x inputs) and Java-side copies of it and of its context columns. */
        INDArray dIn;
        double[] inputGradient;
        double[] contextGradient;
        /** R-operator: ra[l] = R{a[l]}, rd[l] = R{d[l]}, R{dOut}. */
        INDArray[] ra;
        INDArray[] rd;
        INDArray rdOut;
        double[] rOut;

        Workspace(MlpSpec spec, DataType dtype, int rows) {
            this.spec = spec;
            this.dtype = dtype;
            this.rows = rows;
            this.ones = Nd4j.ones(dtype, rows, 1);
            this.onesAddress = Blas.address(ones);
            this.act = layerArrays(1, spec.layers());
            int outputs = (int) rows * spec.outputDim();
            this.out = new double[outputs];
            this.target = new double[(int) rows * spec.observationDim()];
            this.gradOut = new double[outputs];
        }

        /** Arrays shaped like a[from..to] (rows x nOut(l-1)); slots below {@code from} are null. */
        private INDArray[] layerArrays(int from, int to) {
            INDArray[] arrays = new INDArray[spec.layers() + 1];
            for (int l = from; l <= to; l++) {
                arrays[l] = Nd4j.createUninitialized(dtype, rows, spec.nOut(l - 1));
            }
            return arrays;
        }

        void ensureBackward() {
            if (d == null) {
                d = layerArrays(1, spec.layers() - 1);
                dOut = Nd4j.createUninitialized(dtype, rows, spec.outputDim());
            }
        }

        void ensureInputGradient() {
            if (dIn == null) {
                dIn = Nd4j.createUninitialized(dtype, rows, spec.inputDim());
                inputGradient = new double[rows * spec.inputDim()];
                contextGradient = new double[rows * spec.contextDim()];
            }
        }

        void ensureHvp() {
            if (ra == null) {
                ra = layerArrays(1, spec.layers());
                rd = layerArrays(1, spec.layers() - 1);
                rdOut = Nd4j.createUninitialized(dtype, rows, spec.outputDim());
                rOut = new double[(int) rows * spec.outputDim()];
            }
        }
    }
}
