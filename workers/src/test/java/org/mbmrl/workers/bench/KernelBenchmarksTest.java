package org.mbmrl.workers.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The harness runs end to end in quick mode; no timing is asserted (benchmarks are not timed tests). */
class KernelBenchmarksTest {

    @Test
    void quickRunReportsFinitePositiveFigures() {
        KernelBenchmarks.Figures f = KernelBenchmarks.run(1, true);
        assertTrue(Double.isFinite(f.sgemmPeakGflops()) && f.sgemmPeakGflops() > 0, "sgemm peak " + f.sgemmPeakGflops());
        assertEquals(6, f.figures().size(), f.toTable());
        for (KernelBenchmarks.Figure fig : f.figures()) {
            for (double value : new double[] {fig.rate(), fig.gflops(), fig.utilization()}) {
                assertTrue(Double.isFinite(value) && value > 0, fig + "\n" + f.toTable());
            }
        }
        String table = f.toTable();
        for (String w : new String[] {"sgemm", "W1", "W2", "W3", "W4"}) {
            assertTrue(table.contains(w), table);
        }
    }
}
