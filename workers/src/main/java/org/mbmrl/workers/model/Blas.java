package org.mbmrl.workers.model;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemv;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemv;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.mbmrl.workers.BlasLibrary;
import org.mbmrl.workers.KernelThreads;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Row-major GEMM and GEMV straight on ND4J buffers through OpenBLAS's CBLAS interface, the
 * library (and thread setting) ND4J's own CPU backend uses for its BLAS calls. A call costs
 * the BLAS work alone: {@code Nd4j.gemm} adds about 100 us per call on this stack (an
 * {@code Mmul} op, shape checks, and views for the operands), as much as the arithmetic of
 * a 32-row layer.
 *
 * <p>Operands are (pointer to an array's first element, element offset, leading dimension);
 * the arrays must be contiguous (a c-order array, or the flat parameter vector whose
 * per-layer blocks are addressed by offset). {@link DataType#FLOAT} uses sgemm/sgemv,
 * {@link DataType#DOUBLE} dgemm/dgemv.
 */
final class Blas {
    static {
        BlasLibrary.select();
        BlasLibrary.configure();
    }

    private Blas() {}

    /** The address of the first element of a contiguous array (a view's buffer starts at the view). */
    static Pointer address(INDArray contiguous) {
        return contiguous.data().addressPointer();
    }

    /**
     * {@code C = alpha op(A) op(B) + beta C}, row-major; op(A) is m x k, op(B) k x n, C m x n.
     */
    static void gemm(DataType dtype, boolean transA, boolean transB, int m, int n, int k, double alpha,
            Pointer a, long offA, int lda, Pointer b, long offB, int ldb, double beta, Pointer c, long offC, int ldc) {
        if (viaTranspose(transB, m, n, k)) {
            gemmViaTranspose(dtype, transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
            return;
        }
        if (viaInnerSplit(transA, transB, m, n, k) && parts(m, n, k) > 1) {
            gemmInnerSplit(dtype, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
            return;
        }
        int parts = parts(m, n, k);
        if (parts > 1) {
            // Contiguous blocks of C's columns, or rows when C is at least as tall as wide (for
            // the weight gradients, 512 x 512 x 32, column blocks ran slower than one thread).
            boolean byColumns = n > m;
            int extent = byColumns ? n : m;
            KernelThreads.run(parts, i -> {
                int from = blockStart(extent, parts, i);
                int len = blockStart(extent, parts, i + 1) - from;
                if (byColumns) {
                    gemmWhole(dtype, transA, transB, m, len, k, alpha, a, offA, lda, b,
                            offB + (transB ? (long) from * ldb : from), ldb, beta, c, offC + from, ldc);
                } else {
                    gemmWhole(dtype, transA, transB, len, n, k, alpha, a, offA + (transA ? from : (long) from * lda),
                            lda, b, offB, ldb, beta, c, offC + (long) from * ldc, ldc);
                }
            });
            return;
        }
        gemmWhole(dtype, transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
    }

    /** Products with at most this many rows (and {@link #viaTranspose} otherwise) are computed as their transpose. */
    static final int TRANSPOSE_MAX_ROWS = 64;

    /**
     * Whether an m x n x k product {@code A op(B)} is computed as its transpose: a wide product
     * with few rows whose B is read transposed (a batch of 32 through a 512-wide layer,
     * {@code a W^T}). OpenBLAS 0.3.19's kernels (its Haswell ones on this machine) run such a
     * product far below their peak when C has few rows and nearer it when C has few columns
     * and the big operand is not transposed. Measured here, 32 x 512 x 512, with the
     * transposing copy: one thread 68 -> 85 GFLOP/s, two threads 114 -> 145; 16 rows 50 -> 77
     * and 88 -> 135; 64 rows 83 -> 91 and 151 -> 159; at 128 rows no gain. Without a
     * transposed B (the layer's input gradient {@code delta W}) the transposed product ran
     * slower (two threads 107 -> 85), so it is not used there.
     */
    static boolean viaTranspose(boolean transB, int m, int n, int k) {
        return transB && m <= TRANSPOSE_MAX_ROWS && n >= 4 * m && k >= 64;
    }

    /**
     * Whether a split m x n x k product {@code A B} (neither transposed) is cut over its inner
     * dimension k rather than over C's columns: a few-row product by a wide matrix, the
     * layer's input gradient {@code delta W} of a 32-row batch. Cut by k, each thread reads
     * only its own block of rows of W, the rows it also computes in the forward product and in
     * the weight gradient (both split by rows of W), and updates; cut by columns, both cores
     * read every row of W each step, and rewriting the parameters then moves them between the
     * cores' caches.
     */
    static boolean viaInnerSplit(boolean transA, boolean transB, int m, int n, int k) {
        return !transA && !transB && m <= TRANSPOSE_MAX_ROWS && n >= 4 * m && k >= 64;
    }

    /**
     * {@code C = alpha A B + beta C} as the sum over kernel-thread parts of
     * {@code alpha A[:, K_i] B[K_i, :]}: part 0 into C (with beta), the others into this
     * thread's scratch, added into C afterwards in part order.
     */
    private static void gemmInnerSplit(DataType dtype, int m, int n, int k, double alpha, Pointer a, long offA, int lda,
            Pointer b, long offB, int ldb, double beta, Pointer c, long offC, int ldc) {
        int parts = (int) Math.min(KernelThreads.threads(), Math.max(1, k / ALIGN));
        long block = (long) m * n;
        Scratch s = Scratch.get(dtype, (parts - 1) * block);
        KernelThreads.run(parts, i -> {
            int from = blockStart(k, parts, i);
            int len = blockStart(k, parts, i + 1) - from;
            if (i == 0) {
                gemmWhole(dtype, false, false, m, n, len, alpha, a, offA + from, lda, b, offB + (long) from * ldb, ldb, beta,
                        c, offC, ldc);
            } else {
                gemmWhole(dtype, false, false, m, n, len, alpha, a, offA + from, lda, b, offB + (long) from * ldb, ldb, 0.0,
                        s.pointer, (i - 1) * block, n);
            }
        });
        for (int i = 1; i < parts; i++) {
            s.addInto(dtype, m, n, (i - 1) * block, c, offC, ldc);
        }
    }

    /**
     * {@code C = alpha op(A) op(B) + beta C} computed as S = alpha op(B)^T op(A)^T (n x m, in this
     * thread's scratch), then {@code C = S^T + beta C}; split over kernel threads by rows of S
     * (columns of C), each part transposing its own rows, so no extra hand-off.
     */
    private static void gemmViaTranspose(DataType dtype, boolean transA, boolean transB, int m, int n, int k,
            double alpha, Pointer a, long offA, int lda, Pointer b, long offB, int ldb, double beta, Pointer c,
            long offC, int ldc) {
        Scratch s = Scratch.get(dtype, (long) n * m);
        int parts = parts(n, m, k);
        KernelThreads.run(parts, i -> {
            int from = blockStart(n, parts, i);
            int to = blockStart(n, parts, i + 1);
            if (to <= from) {
                return;
            }
            gemmWhole(dtype, !transB, !transA, to - from, m, k, alpha, b, offB + (transB ? (long) from * ldb : from), ldb,
                    a, offA, lda, 0.0, s.pointer, (long) from * m, m);
            s.transposeInto(dtype, m, from, to, beta, c, offC, ldc);
        });
    }

    /** A thread's scratch for {@link #gemmViaTranspose}: direct memory, grown on demand, never shrunk. */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> PER_THREAD = new ThreadLocal<>();
        final java.nio.ByteBuffer bytes;
        final Pointer pointer;

        private Scratch(DataType dtype, long elements) {
            bytes = java.nio.ByteBuffer.allocateDirect(Math.toIntExact(elements * 8)).order(java.nio.ByteOrder.nativeOrder());
            pointer = new Pointer(bytes);
        }

        static Scratch get(DataType dtype, long elements) {
            Scratch s = PER_THREAD.get();
            if (s == null || s.bytes.capacity() < elements * dtype.width()) {
                s = new Scratch(dtype, elements);
                PER_THREAD.set(s);
            }
            return s;
        }

        /** {@code C[r][j] += S[at + r n + j]} for r < m, j < n (an m x n block of this scratch). */
        void addInto(DataType dtype, int m, int n, long at, Pointer c, long offC, int ldc) {
            long span = (long) (m - 1) * ldc + n;
            if (dtype == DataType.FLOAT) {
                java.nio.FloatBuffer sb = bytes.asFloatBuffer();
                FloatPointer cp = floats(c, offC);
                java.nio.FloatBuffer cb = cp.limit(cp.position() + span).asBuffer();
                float[][] h = FLOAT_ROWS.get();
                if (h[0] == null || h[0].length < n) {
                    h[0] = new float[n];
                    h[1] = new float[n];
                }
                float[] sr = h[0];
                float[] cr = h[1];
                for (int r = 0; r < m; r++) {
                    sb.get((int) (at + (long) r * n), sr, 0, n);
                    cb.get(r * ldc, cr, 0, n);
                    for (int j = 0; j < n; j++) {
                        cr[j] += sr[j];
                    }
                    cb.put(r * ldc, cr, 0, n);
                }
            } else {
                java.nio.DoubleBuffer sb = bytes.asDoubleBuffer();
                DoublePointer cp = doubles(c, offC);
                java.nio.DoubleBuffer cb = cp.limit(cp.position() + span).asBuffer();
                for (int r = 0; r < m; r++) {
                    for (int j = 0; j < n; j++) {
                        int ci = r * ldc + j;
                        cb.put(ci, cb.get(ci) + sb.get((int) (at + (long) r * n + j)));
                    }
                }
            }
        }

        /** Columns of C one pass of {@link #transposeInto} gathers at a time. */
        private static final int TILE = 64;
        private static final ThreadLocal<float[][]> FLOAT_TILES = ThreadLocal.withInitial(() -> new float[2][]);
        private static final ThreadLocal<float[][]> FLOAT_ROWS = ThreadLocal.withInitial(() -> new float[2][]);
        private static final ThreadLocal<double[][]> DOUBLE_TILES = ThreadLocal.withInitial(() -> new double[2][]);

        /**
         * {@code C[r][j] = S[j][r] + beta C[r][j]} for r < m, from <= j < to (beta 0: C is not
         * read), in tiles of {@link #TILE} columns through heap arrays: bulk copies in and out,
         * the gather in cache.
         */
        void transposeInto(DataType dtype, int m, int from, int to, double beta, Pointer c, long offC, int ldc) {
            int len = to - from;
            long span = (long) (m - 1) * ldc + len;
            int tile = Math.min(TILE, len);
            if (dtype == DataType.FLOAT) {
                java.nio.FloatBuffer sb = bytes.asFloatBuffer();
                FloatPointer cp = floats(c, offC + from);
                java.nio.FloatBuffer cb = cp.limit(cp.position() + span).asBuffer();
                float[][] h = FLOAT_TILES.get();
                if (h[0] == null || h[0].length < tile * m) {
                    h[0] = new float[tile * m];
                    h[1] = new float[tile];
                }
                float[] st = h[0];
                float[] row = h[1];
                float fb = (float) beta;
                for (int j0 = 0; j0 < len; j0 += tile) {
                    int tl = Math.min(tile, len - j0);
                    sb.get((from + j0) * m, st, 0, tl * m);
                    for (int r = 0; r < m; r++) {
                        int at = r * ldc + j0;
                        if (beta != 0) {
                            cb.get(at, row, 0, tl);
                        }
                        for (int j = 0; j < tl; j++) {
                            float v = st[j * m + r];
                            row[j] = beta == 0 ? v : beta == 1 ? v + row[j] : v + fb * row[j];
                        }
                        cb.put(at, row, 0, tl);
                    }
                }
            } else {
                java.nio.DoubleBuffer sb = bytes.asDoubleBuffer();
                DoublePointer cp = doubles(c, offC + from);
                java.nio.DoubleBuffer cb = cp.limit(cp.position() + span).asBuffer();
                double[][] h = DOUBLE_TILES.get();
                if (h[0] == null || h[0].length < tile * m) {
                    h[0] = new double[tile * m];
                    h[1] = new double[tile];
                }
                double[] st = h[0];
                double[] row = h[1];
                for (int j0 = 0; j0 < len; j0 += tile) {
                    int tl = Math.min(tile, len - j0);
                    sb.get((from + j0) * m, st, 0, tl * m);
                    for (int r = 0; r < m; r++) {
                        int at = r * ldc + j0;
                        if (beta != 0) {
                            cb.get(at, row, 0, tl);
                        }
                        for (int j = 0; j < tl; j++) {
                            double v = st[j * m + r];
                            row[j] = beta == 0 ? v : beta == 1 ? v + row[j] : v + beta * row[j];
                        }
                        cb.put(at, row, 0, tl);
                    }
                }
            }
        }
    }

    /** GEMMs below this many multiply-adds run whole: a hand-off would cost more than it saves. */
    static final long SPLIT_MIN_MACS = 1L << 19;
    /** Block boundaries are multiples of this (a cache line of floats), so each block keeps OpenBLAS's full-width kernels. */
    private static final int ALIGN = 16;

    /** How many blocks {@link #gemm} cuts an m x n x k product into on {@link KernelThreads#threads()} threads. */
    static int parts(int m, int n, int k) {
        int threads = KernelThreads.threads();
        if (threads < 2 || (long) m * n * k < SPLIT_MIN_MACS) {
            return 1;
        }
        int extent = Math.max(m, n);
        return (int) Math.max(1, Math.min(threads, extent / ALIGN));
    }

    /** The first index of block {@code i} of {@code parts} over {@code extent}, on a multiple of {@link #ALIGN}. */
    static int blockStart(int extent, int parts, int i) {
        if (i >= parts) {
            return extent;
        }
        int units = (extent + ALIGN - 1) / ALIGN;
        return Math.min(extent, (int) ((long) units * i / parts) * ALIGN);
    }

    private static void gemmWhole(DataType dtype, boolean transA, boolean transB, int m, int n, int k, double alpha,
            Pointer a, long offA, int lda, Pointer b, long offB, int ldb, double beta, Pointer c, long offC, int ldc) {
        int ta = transA ? CblasTrans : CblasNoTrans;
        int tb = transB ? CblasTrans : CblasNoTrans;
        if (dtype == DataType.FLOAT) {
            cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, (float) alpha, floats(a, offA), lda, floats(b, offB), ldb,
                    (float) beta, floats(c, offC), ldc);
        } else {
            cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, alpha, doubles(a, offA), lda, doubles(b, offB), ldb, beta,
                    doubles(c, offC), ldc);
        }
    }

    /** {@code y = A^T x}, A an m x n row-major matrix: the column sums of A when x is all ones. */
    static void gemvTransposed(DataType dtype, int m, int n, Pointer a, long offA, int lda, Pointer x, long offX,
            Pointer y, long offY) {
        gemvTransposed(dtype, m, n, 1.0, a, offA, lda, x, offX, 0.0, y, offY);
    }

    /** {@code y = alpha A^T x + beta y}, A an m x n row-major matrix. */
    static void gemvTransposed(DataType dtype, int m, int n, double alpha, Pointer a, long offA, int lda, Pointer x,
            long offX, double beta, Pointer y, long offY) {
        if (dtype == DataType.FLOAT) {
            cblas_sgemv(CblasRowMajor, CblasTrans, m, n, (float) alpha, floats(a, offA), lda, floats(x, offX), 1,
                    (float) beta, floats(y, offY), 1);
        } else {
            cblas_dgemv(CblasRowMajor, CblasTrans, m, n, alpha, doubles(a, offA), lda, doubles(x, offX), 1, beta,
                    doubles(y, offY), 1);
        }
    }

    private static FloatPointer floats(Pointer p, long offset) {
        FloatPointer f = new FloatPointer(p);
        return f.position(f.position() + offset);
    }

    private static DoublePointer doubles(Pointer p, long offset) {
        DoublePointer d = new DoublePointer(p);
        return d.position(d.position() + offset);
    }
}
