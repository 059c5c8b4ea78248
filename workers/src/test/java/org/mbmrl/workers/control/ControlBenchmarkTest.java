package org.mbmrl.workers.control;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The control-step benchmark runs end to end in quick mode; no timing is asserted (benchmarks are not timed tests). */
class ControlBenchmarkTest {

    @Test
    void quickRunReportsFinitePositiveFigures() {
        ControlBenchmark.Figures f = ControlBenchmark.run(1, true);
        String table = f.toTable();
        for (double v : new double[] {f.adaptMs(), f.planMs(), f.stepMs(), f.candidateStepsPerSecond()}) {
            assertTrue(Double.isFinite(v) && v > 0, table);
        }
        assertTrue(f.stepMs() >= f.planMs() && f.stepMs() >= f.adaptMs(), table);
        assertTrue(table.contains("cand-steps/s") && table.contains("adapt"), table);
    }
}
