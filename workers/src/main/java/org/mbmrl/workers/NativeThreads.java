package org.mbmrl.workers;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Sets how many native threads ND4J (libnd4j's OpenMP loops and OpenBLAS) may use in this
 * JVM. Executors call it with {@code spark.task.cpus} so that concurrent tasks times native
 * threads never exceed the cores (in {@code local[N]} Spark sets no {@code OMP_NUM_THREADS}
 * and every task would use every core), and so that a task's arithmetic, and with it every
 * reduction order, is the same on every executor.
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
        Nd4j.factory().blas().setMaxThreads(threads);
        current = threads;
    }

    public static int current() {
        return current;
    }
}
