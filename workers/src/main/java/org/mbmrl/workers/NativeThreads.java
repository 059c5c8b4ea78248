package org.mbmrl.workers;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Sets how many threads the arithmetic of this JVM may use: libnd4j's OpenMP loops and the
 * model code's own {@link KernelThreads} (OpenBLAS itself then runs on one thread). Executors call it with {@code spark.task.cpus} so that concurrent tasks times native
 * threads never exceed the cores (in {@code local[N]} Spark sets no {@code OMP_NUM_THREADS}
 * and every task would use every core), and so that a task's arithmetic, and with it every
 * reduction order, is the same on every executor.
 *
 * <p>With more than one thread the model code does its own threading ({@link KernelThreads}:
 * each large GEMM cut into column or row blocks, one single-threaded OpenBLAS call each; the
 * bits depend on the thread count, so every task of a run must configure the same count, as
 * {@code spark.task.cpus} does); {@link #openBlasThreads(int)} is for measuring OpenBLAS's own
 * multi-threaded peak.
 */
public final class NativeThreads {
    static {
        BlasLibrary.select();
    }

    private static volatile int current = -1;

    private NativeThreads() {}

    public static synchronized void configure(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("native threads must be >= 1; got " + threads);
        }
        if (current == threads) {
            return;
        }
        BlasLibrary.configure();
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        // The models' GEMMs are split over KernelThreads, each part a one-thread OpenBLAS call;
        // OpenBLAS's own threads would serialize concurrent parts on its level-3 lock.
        BlasLibrary.setThreads(1);
        KernelThreads.configure(threads);
        current = threads;
    }

    /** Sets OpenBLAS's own thread count alone (the sgemm peak of a benchmark); {@link #configure} resets it. */
    public static synchronized void openBlasThreads(int threads) {
        BlasLibrary.setThreads(threads);
        current = -1;
    }

    public static int current() {
        return current;
    }
}
