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
        if (dtype == DataType.FLOAT) {
            cblas_sgemv(CblasRowMajor, CblasTrans, m, n, 1f, floats(a, offA), lda, floats(x, offX), 1, 0f,
                    floats(y, offY), 1);
        } else {
            cblas_dgemv(CblasRowMajor, CblasTrans, m, n, 1.0, doubles(a, offA), lda, doubles(x, offX), 1, 0.0,
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
