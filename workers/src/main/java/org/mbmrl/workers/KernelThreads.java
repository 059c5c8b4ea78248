package org.mbmrl.workers;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The threads the model code splits one GEMM (or one elementwise pass) over, so that the small
 * layers users start with (batches of 16-32 rows, widths of a few hundred) use a second core.
 * OpenBLAS threads such GEMMs poorly (measured here: a 32-row step of the 512-wide model ran
 * slower on two OpenBLAS threads than on one), while cutting the output into contiguous column
 * or row blocks, one per thread, each a single-threaded GEMM, is 1.5-1.9x faster on two threads.
 * OpenBLAS's kernels round an element differently depending on where it falls in a product's
 * tiles, so a split product differs from the whole one in the last bits: results depend on
 * the configured thread count (as they did with OpenBLAS's own threads), never on timing.
 *
 * <p>A hand-off costs 2 us (measured; plus 7 us on average before a helper starts its part,
 * on this shared VM) because the helper threads spin for a millisecond after each part before
 * they park: ForkJoinPool's unpark/park per part (tens of microseconds
 * on a shared VM) would cost as much as the arithmetic of a 32-row layer. One caller at a time
 * uses the helpers; a concurrent caller (Spark task slots sharing a JVM) runs the same parts
 * one after the other on its own thread, which gives the same bits.
 *
 * <p>Parts may also be whole units of work, such as the tasks of a meta-batch: inside a part
 * {@link #threads()} is 1, so the part's own products and passes run whole on its thread, with
 * the bits of one native thread.
 *
 * <p>{@link NativeThreads#configure(int)} sets the count; with 1 (the default, and every Spark
 * task with {@code spark.task.cpus=1}) nothing is split and no thread is started.
 */
public final class KernelThreads {
    /** How long a helper spins for the next part before it parks. */
    private static final long SPIN_NANOS = 1_000_000;
    /** Spin iterations of a waiting caller before it sleeps in 10 us steps. */
    private static final int SPINS = 1 << 16;

    private static final ReentrantLock CALLER = new ReentrantLock();
    private static volatile Helper[] helpers = new Helper[0];

    private KernelThreads() {}

    /** Set while this thread runs a part (always on helpers): work inside a part runs whole. */
    private static final ThreadLocal<boolean[]> IN_PART = ThreadLocal.withInitial(() -> new boolean[1]);

    /**
     * The number of parts work is split into (1: not split); 1 inside a part, so that a part's
     * own products and passes run whole on its thread (a task of a meta-batch computed on one
     * thread, {@code TaskStep.contributeAll}, gives the bits of one native thread).
     */
    public static int threads() {
        return IN_PART.get()[0] ? 1 : helpers.length + 1;
    }

    static synchronized void configure(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("kernel threads must be >= 1; got " + threads);
        }
        Helper[] old = helpers;
        if (old.length == threads - 1) {
            return;
        }
        // New helpers first: if a thread cannot be started, the old set stays in place.
        Helper[] fresh = new Helper[threads - 1];
        try {
            for (int i = 0; i < fresh.length; i++) {
                fresh[i] = new Helper(i + 1);
            }
        } catch (RuntimeException | Error e) {
            for (Helper h : fresh) {
                if (h != null) {
                    h.stop();
                }
            }
            throw e;
        }
        CALLER.lock();
        try {
            helpers = fresh;
        } finally {
            CALLER.unlock();
        }
        for (Helper h : old) {
            h.stop();
        }
    }

    /**
     * Runs {@code part.accept(i)} for {@code i = 0 .. parts-1} and returns when all are done:
     * part 0 on the calling thread and the others on helpers, or, when the helpers are busy with
     * another caller or fewer than {@code parts - 1}, all of them in order on the calling thread
     * (the same parts, so the same bits).
     */
    public static void run(int parts, IntConsumer part) {
        Helper[] hs = helpers;
        boolean[] inPart = IN_PART.get();
        boolean outer = !inPart[0];
        // A part that splits again runs its parts in turn: the helpers are busy.
        if (outer && parts > 1 && parts <= hs.length + 1 && !CALLER.isHeldByCurrentThread() && CALLER.tryLock()) {
            try {
                if (hs == helpers) {
                    inPart[0] = true;
                    try {
                        runOnHelpers(hs, parts, part);
                    } finally {
                        inPart[0] = false;
                    }
                    return;
                }
            } finally {
                CALLER.unlock();
            }
        }
        inPart[0] = true;
        try {
            for (int i = 0; i < parts; i++) {
                part.accept(i);
            }
        } finally {
            inPart[0] = !outer;
        }
    }

    private static void runOnHelpers(Helper[] hs, int parts, IntConsumer part) {
        AtomicInteger pending = new AtomicInteger(parts - 1);
        Throwable[] failure = new Throwable[parts];
        int submitted = 0;
        try {
            for (int i = 1; i < parts; i++) {
                hs[i - 1].submit(part, i, pending, failure);
                submitted++;
            }
            part.accept(0);
        } catch (Throwable t) {
            failure[0] = t;
            // Parts never handed to a helper will not count down; the others are waited for.
            pending.addAndGet(-(parts - 1 - submitted));
        }
        // Always wait for the helpers: they write into the caller's arrays.
        for (int spins = 0; pending.get() > 0; spins++) {
            if (spins < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(10_000);
            }
        }
        for (Throwable t : failure) {
            if (t instanceof RuntimeException r) {
                throw r;
            } else if (t instanceof Error e) {
                throw e;
            } else if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }

    /** One helper thread: waits (spinning, then parked) for a part, runs it, counts it done. */
    private static final class Helper implements Runnable {
        private final Thread thread;
        private volatile Job job;
        private volatile boolean stopped;

        private record Job(IntConsumer part, int index, AtomicInteger pending, Throwable[] failure) {}

        Helper(int index) {
            thread = new Thread(this, "mbmrl-kernel-" + index);
            thread.setDaemon(true);
            thread.start();
        }

        void submit(IntConsumer part, int index, AtomicInteger pending, Throwable[] failure) {
            job = new Job(part, index, pending, failure);
            LockSupport.unpark(thread);
        }

        void stop() {
            stopped = true;
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            IN_PART.get()[0] = true;
            long idleSince = System.nanoTime();
            int spins = 0;
            while (!stopped) {
                Job j = job;
                if (j == null) {
                    Thread.onSpinWait();
                    // By time, not count: a spin-wait hint lasts 1 to 150 cycles, by CPU.
                    if ((++spins & 255) == 0 && System.nanoTime() - idleSince > SPIN_NANOS) {
                        LockSupport.park(this);
                        idleSince = System.nanoTime();
                    }
                    continue;
                }
                job = null;
                try {
                    j.part().accept(j.index());
                } catch (Throwable t) {
                    j.failure()[j.index()] = t;
                }
                j.pending().decrementAndGet();
                idleSince = System.nanoTime();
            }
        }
    }
}
