package org.mbmrl.datasets.family;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Physics of the slope: gravity along the incline, Coulomb stick-slip, drag, and the force
 * needed to climb. The integration is exact, so the closed forms hold to rounding (1e-9).
 */
class SlopeTest {
    private static final double G = Slope.GRAVITY;

    private static Simulator sim(double alpha, double mu, double drag, double s, double v) {
        Simulator sim = new Slope.Sim(new double[] {alpha, mu}, drag);
        sim.setState(new double[] {s, v});
        return sim;
    }

    /** Frictionless, no drag, no force: {@code s(t) = s0 + v0 t - g sin(alpha) t^2 / 2}. */
    @ParameterizedTest
    @CsvSource({"0.1, 0.0, 0.0", "0.3, 1.0, 2.0", "-0.2, 0.0, -1.0", "0.0, 0.5, 0.7", "1.0, -3.0, 0.0"})
    void withoutFrictionTheMassAcceleratesAtGSinAlphaDownTheSlope(double alpha, double s0, double v0) {
        Simulator s = sim(alpha, 0.0, 0.0, s0, v0);
        for (int t = 1; t <= 60; t++) {
            s.step(new double[] {0.0});
            double time = t * Slope.DT;
            assertEquals(s0 + v0 * time - 0.5 * G * Math.sin(alpha) * time * time, s.state()[0], 1e-9, "t=" + time);
            assertEquals(v0 - G * Math.sin(alpha) * time, s.state()[1], 1e-9, "t=" + time);
        }
    }

    @ParameterizedTest
    @CsvSource({
        // alpha, mu: tan(alpha) < mu holds the mass at rest
        "0.1,   0.2",
        "0.3,   0.31",
        "-0.35, 0.4",
        "0.0,   0.05",
    })
    void staticFrictionHoldsTheMassWhenTanAlphaIsBelowMu(double alpha, double mu) {
        assertTrue(Math.abs(Math.tan(alpha)) < mu);
        Simulator s = sim(alpha, mu, Slope.DRAG, 0.5, 0.0);
        for (int t = 0; t < 100; t++) {
            s.step(new double[] {0.0});
        }
        assertArrayEquals(new double[] {0.5, 0.0}, s.state(), 0.0);
    }

    /** When tan(alpha) > mu it slides down at {@code g (sin alpha - mu cos alpha)}. */
    @ParameterizedTest
    @CsvSource({"0.3, 0.29", "0.4, 0.1", "0.2, 0.0", "-0.3, 0.2"})
    void kineticFrictionWhenTanAlphaExceedsMu(double alpha, double mu) {
        assertTrue(Math.abs(Math.tan(alpha)) > mu);
        double a = -Math.signum(alpha) * G * (Math.abs(Math.sin(alpha)) - mu * Math.cos(alpha));
        Simulator s = sim(alpha, mu, 0.0, 0.0, 0.0);
        for (int t = 1; t <= 40; t++) {
            s.step(new double[] {0.0});
            double time = t * Slope.DT;
            assertEquals(0.5 * a * time * time, s.state()[0], 1e-9);
            assertEquals(a * time, s.state()[1], 1e-9);
        }
    }

    /**
     * Sent uphill where friction holds, the mass decelerates at {@code g (sin alpha + mu cos alpha)},
     * stops within a control step at {@code v0^2 / (2 g (sin alpha + mu cos alpha))} and stays.
     */
    @Test
    void slidingUphillItStopsAndSticks() {
        double alpha = 0.2;
        double mu = 0.3;
        double v0 = 2.0;
        Simulator s = sim(alpha, mu, 0.0, 0.0, v0);
        double decel = G * (Math.sin(alpha) + mu * Math.cos(alpha));
        for (int t = 0; t < 40; t++) {
            s.step(new double[] {0.0});
        }
        assertEquals(v0 * v0 / (2 * decel), s.state()[0], 1e-12);
        assertEquals(0.0, s.state()[1], 0.0);

        // Where friction cannot hold it, it turns round within the step and slides back down.
        double v1 = 0.1;
        Simulator slippery = sim(0.3, 0.1, 0.0, 0.0, v1);
        double up = G * (Math.sin(0.3) + 0.1 * Math.cos(0.3));
        double down = G * (Math.sin(0.3) - 0.1 * Math.cos(0.3));
        double stopTime = v1 / up;
        assertTrue(stopTime < Slope.DT);
        slippery.step(new double[] {0.0});
        double rest = Slope.DT - stopTime;
        assertEquals(v1 * v1 / (2 * up) - 0.5 * down * rest * rest, slippery.state()[0], 1e-12);
        assertEquals(-down * rest, slippery.state()[1], 1e-12);
    }

    /** With drag on flat frictionless ground a constant force gives {@code v = (F/c)(1 - e^{-ct/m})}. */
    @Test
    void dragLimitsTheSpeed() {
        Simulator s = sim(0.0, 0.0, Slope.DRAG, 0.0, 0.0);
        double f = 3.0;
        double k = Slope.DRAG / Slope.MASS;
        for (int t = 1; t <= 200; t++) {
            s.step(new double[] {f});
            double time = t * Slope.DT;
            double vInf = f / Slope.DRAG;
            assertEquals(vInf * (1 - Math.exp(-k * time)), s.state()[1], 1e-9);
            assertEquals(vInf * (time - (1 - Math.exp(-k * time)) / k), s.state()[0], 1e-9);
        }
    }

    /** Climbing needs a force above {@code m g (sin alpha + mu cos alpha)}; just below it the robot stays put. */
    @Test
    void theForceNeededToClimb() {
        double alpha = 0.3;
        double mu = 0.4;
        double need = Slope.MASS * G * (Math.sin(alpha) + mu * Math.cos(alpha));
        Simulator below = sim(alpha, mu, Slope.DRAG, 0.0, 0.0);
        Simulator above = sim(alpha, mu, Slope.DRAG, 0.0, 0.0);
        for (int t = 0; t < 20; t++) {
            below.step(new double[] {need - 0.01});
            above.step(new double[] {need + 0.5});
        }
        assertArrayEquals(new double[] {0.0, 0.0}, below.state(), 0.0);
        assertTrue(above.state()[0] > 0.1 && above.state()[1] > 0, "climbs: " + above.state()[0]);
        // On the change to a steeper section the same force no longer climbs: the robot stops.
        double[] state = above.state();
        above.setParameters(new Slope().changedParameters(new double[] {alpha, mu}));
        assertArrayEquals(state, above.state(), 0.0);
        for (int t = 0; t < 20; t++) {
            above.step(new double[] {need + 0.5});
        }
        double[] stopped = above.state();
        assertEquals(0.0, stopped[1], 0.0);
        above.step(new double[] {need + 0.5});
        assertArrayEquals(stopped, above.state(), 0.0);
        // ... and a steeper one still, where friction cannot hold it, sends it back down.
        above.setParameters(new double[] {1.15, mu});
        for (int t = 0; t < 5; t++) {
            above.step(new double[] {need + 0.5});
        }
        assertTrue(above.state()[0] < stopped[0] && above.state()[1] < 0, "slides back: " + above.state()[0]);
    }

    @Test
    void rewardResetAndInvalidParameters() {
        Slope f = new Slope();
        Simulator s = f.simulator(new double[] {0.1, 0.2});
        s.setState(new double[] {0.0, 0.0});
        Simulator.Step step = s.step(new double[] {-40.0});
        assertEquals(-(Math.abs(step.observation()[0] - Slope.GOAL) + 0.001 * 225), step.reward(), 1e-12);
        s.setState(new double[] {Slope.GOAL, 0.0});
        assertEquals(0.0, s.step(new double[] {0.0}).reward(), 0.0, "at rest on the goal (friction holds)");

        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < 100; i++) {
            double[] o = s.reset(rng);
            assertTrue(Math.abs(o[0]) <= 0.1 && Math.abs(o[1]) <= 0.1);
        }
        assertArrayEquals(new double[] {0.3, 0.2}, f.changedParameters(new double[] {0.1, 0.2}), 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.simulator(new double[] {1.3, 0.2}));
        assertTrue(e.getMessage().contains("slope_angle=1.3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> f.simulator(new double[] {0.1, -0.2}));
        assertTrue(e.getMessage().contains("friction=-0.2"), e.getMessage());
    }
}
