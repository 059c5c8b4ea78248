package org.mbmrl.datasets.family;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleSupplier;

/** Measures the period of an oscillation from its downward zero crossings (physics tests). */
final class Oscillation {
    private Oscillation() {}

    /**
     * The mean period of {@code angle} (the signal after one more control step of {@code dt},
     * starting from {@code initial}) over {@code steps} steps, from linearly interpolated
     * downward zero crossings; asserts at least {@code minPeriods} whole periods were seen.
     */
    static double period(double initial, DoubleSupplier angleAfterStep, double dt, int steps, int minPeriods) {
        double prev = initial;
        double first = -1;
        double last = -1;
        int periods = 0;
        for (int t = 1; t <= steps; t++) {
            double a = angleAfterStep.getAsDouble();
            if (prev > 0 && a <= 0) {
                double crossing = (t - 1 + prev / (prev - a)) * dt;
                if (first < 0) {
                    first = crossing;
                } else {
                    last = crossing;
                    periods++;
                }
            }
            prev = a;
        }
        assertTrue(periods >= minPeriods, "only " + periods + " periods observed");
        return (last - first) / periods;
    }
}
