package org.mbmrl.workers.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;


/** The control-step benchmark runs end to end in quick mode; no timing is asserted (benchmarks are not timed tests). */
class ControlBenchmarkTest {

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"maml", "famle", "vi"})
    void quickRunReportsFinitePositiveFigures(String algorithm) {
        ControlBenchmark.Figures f = ControlBenchmark.run(1, true, algorithm);
        String table = f.toTable();
        for (double v : new double[] {f.adaptMs(), f.planMs(), f.stepMs(), f.candidateStepsPerSecond()}) {
            assertTrue(Double.isFinite(v) && v > 0, table);
        }
        assertTrue(f.stepMs() >= f.planMs() && f.stepMs() >= f.adaptMs(), table);
        assertTrue(table.contains("cand-steps/s") && table.contains("adapt"), table);
    }
}
