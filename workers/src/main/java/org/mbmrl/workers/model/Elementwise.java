package org.mbmrl.workers.model;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.mbmrl.workers.KernelThreads;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Elementwise arithmetic on plain (contiguous, offset-0) FLOAT or DOUBLE arrays in plain Java,
 * straight on their buffers. Each ND4J op costs 10-50 us of dispatch here (an op object, shape
 * information, often a scalar array) however small its operands, which for the models users
 * start with (a few thousand parameters, batches of 16-32 rows) is most of an inner step; a
 * Java loop over a 1,000-element buffer takes about 1 us. Products, sums and differences are
 * rounded exactly as the ND4J ops they replace round them (one IEEE operation each, in the
 * array's type), so results are bit for bit those of the op sequence named in each method.
 * tanh is the exception: in float it is a rational approximation within 7 ulp of the exact
 * value, which also beats ND4J's tanh at every size here (0.5-1.5 ns an element against
 * about 5, plus the op's dispatch).
 */
public final class Elementwise {
    private Elementwise() {}

    /** Elements per chunk of the float tanh: a heap copy small enough to stay in L1. */
    private static final int CHUNK = 2048;
    private static final ThreadLocal<float[]> TANH_SCRATCH = ThreadLocal.withInitial(() -> new float[CHUNK]);
    private static final ThreadLocal<float[][]> PAIR_SCRATCH = ThreadLocal.withInitial(() -> new float[2][CHUNK]);

    /**
     * {@code z = tanh(z)} in place. FLOAT: a rational approximation on a heap copy of each chunk
     * (branch-free, so the JIT vectorizes it; {@link #tanh(float)}); DOUBLE (gradient checks):
     * {@link Math#tanh}.
     */
    public static void tanh(INDArray z) {
        int n = length(z);
        forRanges(n, TANH_SPLIT_MIN_ELEMENTS, (lo, hi) -> {
            if (z.dataType() == DataType.FLOAT) {
                FloatBuffer b = z.data().asNioFloat();
                float[] h = TANH_SCRATCH.get();
                for (int from = lo; from < hi; from += CHUNK) {
                    int len = Math.min(CHUNK, hi - from);
                    b.get(from, h, 0, len);
                    for (int i = 0; i < len; i++) {
                        h[i] = tanh(h[i]);
                    }
                    b.put(from, h, 0, len);
                }
            } else {
                DoubleBuffer b = z.data().asNioDouble();
                for (int i = lo; i < hi; i++) {
                    b.put(i, Math.tanh(b.get(i)));
                }
            }
        });
    }

    /** Inputs beyond this magnitude give tanh = +-1 in float; the approximation is clamped there. */
    private static final float TANH_CLAMP = 7.90531110763549805f;

    /**
     * tanh in float as Eigen computes it ({@code generic_fast_tanh_float}): an odd rational
     * function of degree 13/6 on the input clamped to +-7.905; within 7 ulp (4.2e-7 absolute)
     * of the correctly rounded value over [-20, 20] (checked in ElementwiseTest).
     */
    static float tanh(float x) {
        float c = Math.max(-TANH_CLAMP, Math.min(TANH_CLAMP, x));
        float x2 = c * c;
        float p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
        p = p * x2 + -8.60467152213735e-11f;
        p = p * x2 + 5.12229709037114e-08f;
        p = p * x2 + 1.48572235717979e-05f;
        p = p * x2 + 6.37261928875436e-04f;
        p = p * x2 + 4.89352455891786e-03f;
        p = p * c;
        float q = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
        q = q * x2 + 2.26843463243900e-03f;
        q = q * x2 + 4.89352518554385e-03f;
        return p / q;
    }

    /** {@code z = max(z, 0)} in place. */
    public static void relu(INDArray z) {
        int n = length(z);
        forRanges(n, (lo, hi) -> {
            if (z.dataType() == DataType.FLOAT) {
                FloatBuffer b = z.data().asNioFloat();
                for (int i = lo; i < hi; i++) {
                    if (!(b.get(i) > 0)) {
                        b.put(i, 0f);
                    }
                }
            } else {
                DoubleBuffer b = z.data().asNioDouble();
                for (int i = lo; i < hi; i++) {
                    if (!(b.get(i) > 0)) {
                        b.put(i, 0.0);
                    }
                }
            }
        });
    }

    /**
     * {@code d *= sigma'(z)} written in terms of {@code a = sigma(z)}: {@code 1 - a^2} for tanh
     * (as ND4J's Square, OneMinus, then a multiply), {@code step(a)} for relu.
     */
    public static void timesDerivative(Activation activation, INDArray a, INDArray d) {
        int n = length(d);
        checkSame(a, d);
        forRanges(n, (lo, hi) -> {
            if (d.dataType() == DataType.FLOAT) {
                // Through heap chunks, where the loop vectorizes (a buffer loop ran 0.6 ns an element).
                FloatBuffer ab = a.data().asNioFloat();
                FloatBuffer db = d.data().asNioFloat();
                float[][] h = PAIR_SCRATCH.get();
                float[] ha = h[0];
                float[] hd = h[1];
                boolean tanh = activation == Activation.TANH;
                for (int from = lo; from < hi; from += CHUNK) {
                    int len = Math.min(CHUNK, hi - from);
                    ab.get(from, ha, 0, len);
                    db.get(from, hd, 0, len);
                    if (tanh) {
                        for (int i = 0; i < len; i++) {
                            hd[i] = hd[i] * (1f - ha[i] * ha[i]);
                        }
                    } else {
                        for (int i = 0; i < len; i++) {
                            hd[i] = hd[i] * (ha[i] > 0 ? 1f : 0f);
                        }
                    }
                    db.put(from, hd, 0, len);
                }
            } else {
                DoubleBuffer ab = a.data().asNioDouble();
                DoubleBuffer db = d.data().asNioDouble();
                for (int i = lo; i < hi; i++) {
                    db.put(i, db.get(i) * derivative(activation, ab.get(i)));
                }
            }
        });
    }

    private static float derivative(Activation activation, float a) {
        return activation == Activation.TANH ? 1f - a * a : a > 0 ? 1f : 0f;
    }

    private static double derivative(Activation activation, double a) {
        return activation == Activation.TANH ? 1.0 - a * a : a > 0 ? 1.0 : 0.0;
    }

    /**
     * The R-operator's step back through a hidden activation (Pearlmutter): with
     * {@code s = sigma'(a)}, {@code rd = rd s - 2 d a ra} (the tanh term; none for relu) and
     * then {@code d = d s}. Rounded as {@code rd *= s; t = d a; t *= ra; rd -= (t + t); d *= s}.
     */
    public static void rBackward(Activation activation, INDArray a, INDArray ra, INDArray d, INDArray rd) {
        int n = length(d);
        checkSame(a, d);
        checkSame(ra, d);
        checkSame(rd, d);
        boolean tanh = activation == Activation.TANH;
        forRanges(n, (lo, hi) -> {
            if (d.dataType() == DataType.FLOAT) {
                FloatBuffer ab = a.data().asNioFloat();
                FloatBuffer rab = ra.data().asNioFloat();
                FloatBuffer db = d.data().asNioFloat();
                FloatBuffer rdb = rd.data().asNioFloat();
                for (int i = lo; i < hi; i++) {
                    float ai = ab.get(i);
                    float s = derivative(activation, ai);
                    float di = db.get(i);
                    float r = rdb.get(i) * s;
                    if (tanh) {
                        float t = di * ai;
                        t = t * rab.get(i);
                        r = r - (t + t);
                    }
                    rdb.put(i, r);
                    db.put(i, di * s);
                }
            } else {
                DoubleBuffer ab = a.data().asNioDouble();
                DoubleBuffer rab = ra.data().asNioDouble();
                DoubleBuffer db = d.data().asNioDouble();
                DoubleBuffer rdb = rd.data().asNioDouble();
                for (int i = lo; i < hi; i++) {
                    double ai = ab.get(i);
                    double s = derivative(activation, ai);
                    double di = db.get(i);
                    double r = rdb.get(i) * s;
                    if (tanh) {
                        double t = di * ai;
                        t = t * rab.get(i);
                        r = r - (t + t);
                    }
                    rdb.put(i, r);
                    db.put(i, di * s);
                }
            }
        });
    }

    /** {@code x *= s} (s rounded to the array's type first, as ND4J's scalar op does). */
    public static void scale(INDArray x, double s) {
        int n = length(x);
        forRanges(n, (lo, hi) -> {
            if (x.dataType() == DataType.FLOAT) {
                float f = (float) s;
                FloatBuffer b = x.data().asNioFloat();
                for (int i = lo; i < hi; i++) {
                    b.put(i, b.get(i) * f);
                }
            } else {
                DoubleBuffer b = x.data().asNioDouble();
                for (int i = lo; i < hi; i++) {
                    b.put(i, b.get(i) * s);
                }
            }
        });
    }

    /** {@code x /= s} (s rounded to the array's type first, as ND4J's scalar op does). */
    public static void divide(INDArray x, double s) {
        int n = length(x);
        forRanges(n, (lo, hi) -> {
            if (x.dataType() == DataType.FLOAT) {
                float f = (float) s;
                FloatBuffer b = x.data().asNioFloat();
                for (int i = lo; i < hi; i++) {
                    b.put(i, b.get(i) / f);
                }
            } else {
                DoubleBuffer b = x.data().asNioDouble();
                for (int i = lo; i < hi; i++) {
                    b.put(i, b.get(i) / s);
                }
            }
        });
    }

    /** {@code x += y} elementwise. */
    public static void add(INDArray x, INDArray y) {
        int n = length(x);
        checkSame(y, x);
        forRanges(n, (lo, hi) -> {
            if (x.dataType() == DataType.FLOAT) {
                // Parameter-sized: in chunks through heap arrays, where the loop vectorizes.
                FloatBuffer b = x.data().asNioFloat();
                FloatBuffer c = y.data().asNioFloat();
                float[][] h = PAIR_SCRATCH.get();
                float[] hx = h[0];
                float[] hy = h[1];
                for (int from = lo; from < hi; from += CHUNK) {
                    int len = Math.min(CHUNK, hi - from);
                    b.get(from, hx, 0, len);
                    c.get(from, hy, 0, len);
                    for (int i = 0; i < len; i++) {
                        hx[i] = hx[i] + hy[i];
                    }
                    b.put(from, hx, 0, len);
                }
            } else {
                DoubleBuffer b = x.data().asNioDouble();
                DoubleBuffer c = y.data().asNioDouble();
                for (int i = lo; i < hi; i++) {
                    b.put(i, b.get(i) + c.get(i));
                }
            }
        });
    }

    /** {@code x *= y} elementwise. */
    public static void mul(INDArray x, INDArray y) {
        int n = length(x);
        checkSame(y, x);
        forRanges(n, (lo, hi) -> {
            if (x.dataType() == DataType.FLOAT) {
                // Parameter-sized: in chunks through heap arrays, where the loop vectorizes.
                FloatBuffer b = x.data().asNioFloat();
                FloatBuffer c = y.data().asNioFloat();
                float[][] h = PAIR_SCRATCH.get();
                float[] hx = h[0];
                float[] hy = h[1];
                for (int from = lo; from < hi; from += CHUNK) {
                    int len = Math.min(CHUNK, hi - from);
                    b.get(from, hx, 0, len);
                    c.get(from, hy, 0, len);
                    for (int i = 0; i < len; i++) {
                        hx[i] = hx[i] * hy[i];
                    }
                    b.put(from, hx, 0, len);
                }
            } else {
                DoubleBuffer b = x.data().asNioDouble();
                DoubleBuffer c = y.data().asNioDouble();
                for (int i = lo; i < hi; i++) {
                    b.put(i, b.get(i) * c.get(i));
                }
            }
        });
    }

    /**
     * {@code out = x - lr g}, rounded as {@code g *= lr; out = x - g}; g is left as it was (no
     * caller reads it afterwards, and not writing it back saves a quarter of the pass's memory
     * traffic); {@code out} may be {@code x}.
     */
    public static void subScaled(INDArray x, INDArray g, double lr, INDArray out) {
        int n = length(x);
        checkSame(g, x);
        checkSame(out, x);
        forRanges(n, (lo, hi) -> subScaledRange(x, g, lr, out, lo, hi));
    }

    /**
     * {@link #subScaled} with the elements cut into {@code KernelThreads} parts by {@code owner}:
     * part i computes the ranges {@code owner.ranges(i, parts)} (together they must cover every
     * element once), so that a thread rewrites the parameters it computed with.
     */
    public static void subScaled(INDArray x, INDArray g, double lr, INDArray out, RangeOwner owner) {
        int n = length(x);
        checkSame(g, x);
        checkSame(out, x);
        int threads = KernelThreads.threads();
        if (threads < 2 || n < SPLIT_MIN_ELEMENTS) {
            subScaledRange(x, g, lr, out, 0, n);
            return;
        }
        KernelThreads.run(threads, i -> {
            int[] r = owner.ranges(i, threads);
            for (int q = 0; q < r.length; q += 2) {
                subScaledRange(x, g, lr, out, r[q], r[q + 1]);
            }
        });
    }

    /** Which element ranges part i of p owns: {@code [from0, to0, from1, to1, ...]}. */
    @FunctionalInterface
    public interface RangeOwner {
        int[] ranges(int part, int parts);
    }

    private static void subScaledRange(INDArray x, INDArray g, double lr, INDArray out, int lo, int hi) {
        if (x.dataType() == DataType.FLOAT) {
            // Parameter-sized: in chunks through heap arrays, where the loop vectorizes.
            float f = (float) lr;
            FloatBuffer xb = x.data().asNioFloat();
            FloatBuffer gb = g.data().asNioFloat();
            FloatBuffer ob = out.data().asNioFloat();
            float[][] h = PAIR_SCRATCH.get();
            float[] hx = h[0];
            float[] hg = h[1];
            for (int from = lo; from < hi; from += CHUNK) {
                int len = Math.min(CHUNK, hi - from);
                xb.get(from, hx, 0, len);
                gb.get(from, hg, 0, len);
                for (int i = 0; i < len; i++) {
                    hx[i] = hx[i] - hg[i] * f;
                }
                ob.put(from, hx, 0, len);
            }
        } else {
            DoubleBuffer xb = x.data().asNioDouble();
            DoubleBuffer gb = g.data().asNioDouble();
            DoubleBuffer ob = out.data().asNioDouble();
            for (int i = lo; i < hi; i++) {
                ob.put(i, xb.get(i) - gb.get(i) * lr);
            }
        }
    }

    /** Arrays below this many elements are done on one thread: a hand-off would cost more than it saves. */
    static final int SPLIT_MIN_ELEMENTS = 1 << 15;
    /**
     * tanh costs several times a plain pass per element, so it splits from shorter arrays (a
     * 32 x 512 layer: 19 -> 12 us on two threads, measured; the plain passes there ran slower split).
     */
    static final int TANH_SPLIT_MIN_ELEMENTS = 1 << 13;

    /** A loop body over elements {@code [lo, hi)}. */
    @FunctionalInterface
    private interface Range {
        void run(int lo, int hi);
    }

    /**
     * Runs {@code body} over {@code [0, n)}: whole, or for long arrays in contiguous blocks (on
     * multiples of {@link #CHUNK}) over {@link KernelThreads}. Every element is computed alone,
     * so the bits do not depend on the split.
     */
    private static void forRanges(int n, Range body) {
        forRanges(n, SPLIT_MIN_ELEMENTS, body);
    }

    /** As {@link #forRanges(int, Range)}, splitting only arrays of at least {@code minElements}. */
    private static void forRanges(int n, int minElements, Range body) {
        int threads = KernelThreads.threads();
        if (threads < 2 || n < minElements) {
            body.run(0, n);
            return;
        }
        int chunks = (n + CHUNK - 1) / CHUNK;
        int parts = Math.min(threads, chunks);
        KernelThreads.run(parts, i -> body.run(Math.min(n, (int) ((long) chunks * i / parts) * CHUNK),
                Math.min(n, (int) ((long) chunks * (i + 1) / parts) * CHUNK)));
    }

    /** The element count of a plain FLOAT or DOUBLE array (checked). */
    private static int length(INDArray a) {
        if (a.isView() || a.offset() != 0 || a.ordering() != 'c' && a.rank() > 1 && a.rows() > 1
                || a.length() > a.data().length() || a.length() > Integer.MAX_VALUE
                || (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE)) {
            throw new IllegalStateException("expected a plain c-order FLOAT or DOUBLE array; got " + a.shapeInfoToString());
        }
        return (int) a.length();
    }

    private static void checkSame(INDArray other, INDArray like) {
        if (length(other) != like.length() || other.dataType() != like.dataType()) {
            throw new IllegalStateException("operands differ: " + other.shapeInfoToString() + " and "
                    + like.shapeInfoToString());
        }
    }
}
