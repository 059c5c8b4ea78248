package org.mbmrl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The Spark benchmarks run end to end on a quick setting: {@code bench --outer} trains the
 * demo's iterations three ways and they agree bit for bit; {@code bench --scaling} reports
 * every part of a gang iteration. (The figures are benchmark output, never asserted.)
 */
class BenchSparkTest {
    @Test
    void outerIterationBenchmarkTrainsTheSameBitsThreeWays() {
        SharedSpark.local2();
        SharedSpark.Run r = SharedSpark.cli("bench", "--outer", "--outer-iterations", "4",
                "--memory-dir", Fixtures.scratch("bench-outer").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("gang = jobs = loop: same bits"), r.out());
        assertTrue(r.out().contains("fixed cost: gang, no task sampled"), r.out());
    }

    @Test
    void scalingBenchmarkReportsEveryPart() {
        SharedSpark.local2();
        SharedSpark.Run r = SharedSpark.cli("bench", "--scaling", "--quick", "--scaling-hidden", "16,16",
                "--scaling-per-slot", "2", "--scaling-batch", "3");
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().lines().filter(l -> l.startsWith("SCALING,")).toArray(String[]::new);
        assertEquals(2, lines.length, r.out());
        for (String line : lines) {
            String[] f = line.split(",");
            assertEquals(13, f.length, line);
            // total, send, wait, merge, slowest member, per task: measured, finite, not negative
            assertTrue(Arrays.stream(f, 5, 11).mapToDouble(Double::parseDouble).allMatch(v -> v >= 0 && Double.isFinite(v)),
                    line);
            assertTrue(Long.parseLong(f[11]) > 4L * Integer.parseInt(f[4]), "theta's bytes out: " + line);
        }
    }
}
