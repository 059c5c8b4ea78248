package org.mbmrl.workers;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Sets how many native threads ND4J (libnd4j's OpenMP loops and OpenBLAS) may use in this
 * JVM. Executors call it with {@code spark.task.cpus} so that concurrent tasks times native
 * threads never exceed the cores (in {@code local[N]} Spark sets no {@code OMP_NUM_THREADS}
 * and every task would use every core), and so that a task's arithmetic, and with it every
 * reduction order, is the same on every executor.
 *
 * <p>With more than one thread the model code does its own threading ({@link KernelThreads}:
 * each GEMM cut into column blocks, the same bits as one GEMM) and OpenBLAS runs on one thread;
 * {@link #openBlasThreads(int)} is for measuring OpenBLAS's own multi-threaded peak.
 */
public final class NativeThreads {
    private static volatile int current = -1;

    private NativeThreads() {}

    public static synchronized void configure(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("native threads must be >= 1; got " + threads);
        }
        if (current == threads) {
            return;
        }
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        // The models' GEMMs are split over KernelThreads, each part a one-thread OpenBLAS call;
        // OpenBLAS's own threads would serialize concurrent parts on its level-3 lock.
        Nd4j.factory().blas().setMaxThreads(1);
        KernelThreads.configure(threads);
        current = threads;
    }

    /** Sets OpenBLAS's own thread count alone (the sgemm peak of a benchmark); {@link #configure} resets it. */
    public static synchronized void openBlasThreads(int threads) {
        Nd4j.factory().blas().setMaxThreads(threads);
        current = -1;
    }

    public static int current() {
        return current;
    }
}
