package org.mbmrl.workers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class KernelThreadsTest {
    @AfterAll
    static void back() {
        NativeThreads.configure(1);
    }

    @Test
    void everyPartRunsOnceWhateverHappens() {
        NativeThreads.configure(3);
        assertEquals(3, KernelThreads.threads());
        AtomicIntegerArray ran = new AtomicIntegerArray(3);
        KernelThreads.run(3, ran::incrementAndGet);
        assertArrayEquals(new int[] {1, 1, 1}, new int[] {ran.get(0), ran.get(1), ran.get(2)});

        // A helper's failure reaches the caller, after every part has finished.
        AtomicIntegerArray done = new AtomicIntegerArray(3);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KernelThreads.run(3, i -> {
            done.incrementAndGet(i);
            if (i == 2) {
                throw new IllegalStateException("part 2 failed");
            }
        }));
        assertEquals("part 2 failed", e.getMessage());
        assertArrayEquals(new int[] {1, 1, 1}, new int[] {done.get(0), done.get(1), done.get(2)});

        // The helpers still work afterwards; a nested split runs its parts in turn on the caller.
        AtomicIntegerArray nested = new AtomicIntegerArray(6);
        KernelThreads.run(2, i -> KernelThreads.run(3, j -> nested.incrementAndGet(3 * i + j)));
        for (int k = 0; k < 6; k++) {
            assertEquals(1, nested.get(k), "nested part " + k);
        }

        // More parts than threads: all of them, in turn.
        AtomicIntegerArray many = new AtomicIntegerArray(5);
        KernelThreads.run(5, many::incrementAndGet);
        for (int k = 0; k < 5; k++) {
            assertEquals(1, many.get(k));
        }
        NativeThreads.configure(1);
        assertEquals(1, KernelThreads.threads());
    }
}
