package org.mbmrl.driver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What the memory benchmark reads and how it sizes the data (the figures themselves are benchmark output). */
class MemoryBenchmarkTest {

    @Test
    void aTransitionIsItsFloatsIntsAndFlags() {
        // pendulum: 3 + 3 + 1 + 1 floats, episode and step, two flags
        assertEquals(8 * 4 + 8 + 2, MemoryBenchmark.bytesPerTransition(3, 1));
        assertEquals(22 * 4 + 8 + 2, MemoryBenchmark.bytesPerTransition(9, 3));
    }

    @Test
    void peaksAreReadFromProcAndNoOtherApplicationsExecutorsAreCounted() {
        long rss = MemoryBenchmark.status("self", "VmRSS");
        long peak = MemoryBenchmark.status("self", "VmHWM");
        assertTrue(rss > 0 && peak >= rss, rss + " <= " + peak);
        assertEquals(0, MemoryBenchmark.executorPeaks("app-no-such-application").size());
    }
}
