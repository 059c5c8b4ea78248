package org.mbmrl.driver;

import java.util.Locale;

/**
 * Sizes the user configured, checked against the memory this JVM may use before anything is
 * allocated: a model or a task list that cannot fit is a one-line {@link UserError} naming the
 * setting, instead of an {@link OutOfMemoryError} half-way through a job. The factors are
 * deliberately rough upper bounds of what the code holds at once, not measurements of a
 * particular run.
 */
public final class MemoryBudget {
    /**
     * float32 copies of theta a training driver holds at once: theta, Adam's two moments, the
     * broadcast, the update, and the exact sums (two longs per value) of the partitions it merges.
     */
    static final int TRAINING_COPIES = 16;
    /** Driver bytes per generated task: its id, spec, parameter map and tasks-table row. */
    static final int BYTES_PER_TASK = 512;

    private MemoryBudget() {}

    /** The heap this JVM may grow to. */
    public static long heapBytes() {
        return Runtime.getRuntime().maxMemory();
    }

    /** The off-heap memory ND4J may allocate (JavaCPP's limit), or the heap if it cannot be read. */
    public static long offHeapBytes() {
        try {
            long max = org.bytedeco.javacpp.Pointer.maxBytes();
            return max > 0 ? max : heapBytes();
        } catch (LinkageError e) {
            return heapBytes();
        }
    }

    /** Refuses a model of {@code parameters} float32 values (from {@code setting}) the JVM cannot train. */
    public static void checkModel(String setting, long parameters) {
        long need = parameters * Float.BYTES * TRAINING_COPIES;
        long have = Math.min(heapBytes(), offHeapBytes());
        if (need > have) {
            throw new UserError(String.format(Locale.ROOT, "%s: a model of %,d parameters needs about %,d MB to train;"
                    + " this JVM may use %,d MB (heap %,d MB, ND4J off-heap %,d MB): make the model smaller or raise the"
                    + " limits (MBMRL_JAVA_OPTS=\"-Xmx... -Dorg.bytedeco.javacpp.maxbytes=...\")", setting, parameters,
                    need >> 20, have >> 20, heapBytes() >> 20, offHeapBytes() >> 20));
        }
    }

    /** Refuses generating {@code tasks} tasks when their list would not fit in half the driver's heap. */
    public static void checkTaskCount(long tasks) {
        long need = tasks * BYTES_PER_TASK;
        if (need > heapBytes() / 2) {
            throw new UserError(String.format(Locale.ROOT, "--train-tasks + --test-tasks + --ood-tasks = %,d tasks: their"
                    + " list needs about %,d MB on the driver, more than half of its %,d MB heap; generate fewer tasks, or"
                    + " raise MBMRL_JAVA_OPTS=-Xmx...", tasks, need >> 20, heapBytes() >> 20));
        }
    }
}
