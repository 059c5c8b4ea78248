package org.mbmrl.datasets.family;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Physics, partial observation and reference-tracking reward of the quadrotor with a suspended payload. */
class QuadrotorPayloadTest {
    private static final double G = QuadrotorPayload.GRAVITY;
    private static final double M = QuadrotorPayload.QUAD_MASS;

    /** A simulator at full state {@code (x, z, x', z', phi, phi', psi, psi')}, step count 0. */
    private static Simulator sim(double mass, double length, double... s) {
        Simulator sim = new QuadrotorPayload().simulator(new double[] {mass, length});
        double[] full = Arrays.copyOf(s, 9);
        sim.setState(full);
        return sim;
    }

    private static double zAfter(double mass, double length, double u, int steps) {
        Simulator s = sim(mass, length, 0, 0, 0, 0, 0, 0, 0, 0);
        for (int t = 0; t < steps; t++) {
            s.step(new double[] {u, u});
        }
        return s.state()[1];
    }

    /**
     * Hovering with the payload hanging still needs total thrust (M + m) g. The constant action
     * that keeps the height after 1 s, found by bisection on the simulator, matches
     * {@code hoverAction((M + m) g)} within 1e-9; the light payload's hover thrust lets a heavier
     * one sink and a heavier one's makes the light one climb.
     */
    @ParameterizedTest
    @CsvSource({"0.0, 0.5", "0.1, 0.3", "0.25, 0.5", "0.4, 0.7", "0.8, 1.2", "1.1, 1.0"})
    void aHeavierPayloadNeedsMoreThrustToHover(double mass, double length) {
        double lo = -1;
        double hi = 1;
        for (int i = 0; i < 60; i++) {
            double mid = (lo + hi) / 2;
            if (zAfter(mass, length, mid, 20) > 0) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        double found = (lo + hi) / 2;
        double analytic = QuadrotorPayload.hoverAction((M + mass) * G);
        assertEquals(analytic, found, 1e-9, "hover action for payload " + mass);

        // The analytic hover keeps everything at rest.
        Simulator s = sim(mass, length, 0.3, -0.2, 0, 0, 0, 0, 0, 0);
        for (int t = 0; t < 100; t++) {
            s.step(new double[] {analytic, analytic});
        }
        assertArrayEquals(new double[] {0.3, -0.2, 0, 0, 0, 0, 0, 0, 100}, s.state(), 1e-9);

        double heavier = mass + 0.3;
        assertTrue(zAfter(heavier, length, analytic, 20) < -0.1, "the heavier payload sinks");
        double heavierHover = QuadrotorPayload.hoverAction((M + heavier) * G);
        assertTrue(heavierHover > analytic);
        assertTrue(zAfter(mass, length, heavierHover, 20) > 0.1, "the light payload climbs with the heavy hover thrust");
    }

    /**
     * Without thrust the two bodies fall freely: their centre of mass falls at exactly g and the
     * tether keeps its angular rate (no force has a moment about the centre of mass); the
     * quadrotor's pitch rate decays exponentially under the rotational drag. The tether rate and
     * angle come out exact to rounding (tolerance 1e-12); the centre of mass and the energy of
     * translation and swing carry RK4's truncation error of the body's circling about it, measured
     * at most 5.1e-10 m and 2.7e-10 (relative) over 2 s, tolerance 1e-8 for both; the pitch rate
     * is within 8.3e-7 (relative) of {@code e^{-c t / J}}, tolerance 1e-5.
     */
    @Test
    void withoutThrustTheCentreOfMassFallsAtGAndTheTetherSpinsUniformly() {
        double m = 0.4;
        double len = 0.8;
        double[] s0 = {0.1, 2.0, 0.5, 1.0, 0.2, 0.7, 0.3, 2.5};
        Simulator s = sim(m, len, s0);
        double zc0 = (M * s0[1] + m * (s0[1] - len * Math.cos(s0[6]))) / (M + m);
        double vc0 = (M * s0[3] + m * (s0[3] + len * Math.sin(s0[6]) * s0[7])) / (M + m);
        // The energy of translation and tether swing (without the body's spin, which the drag damps).
        double e0 = QuadrotorPayload.energy(m, len, s0) - 0.5 * QuadrotorPayload.INERTIA * s0[5] * s0[5];
        for (int t = 1; t <= 40; t++) {
            s.step(new double[] {-1, -1});
            double[] st = s.state();
            double time = t * QuadrotorPayload.DT;
            double zc = (M * st[1] + m * (st[1] - len * Math.cos(st[6]))) / (M + m);
            assertEquals(zc0 + vc0 * time - 0.5 * G * time * time, zc, 1e-8, "centre of mass height at t=" + time);
            assertEquals(s0[7], st[7], 1e-12, "tether rate");
            assertEquals(s0[6] + s0[7] * time, st[6], 1e-12, "tether angle");
            double decay = Math.exp(-QuadrotorPayload.ROTATIONAL_DRAG / QuadrotorPayload.INERTIA * time);
            assertEquals(s0[5] * decay, st[5], 1e-5 * Math.abs(s0[5]), "pitch rate");
            double e = QuadrotorPayload.energy(m, len, st) - 0.5 * QuadrotorPayload.INERTIA * st[5] * st[5];
            assertEquals(e0, e, 1e-8 * Math.abs(e0), "energy");
        }
    }

    /**
     * Small swings of the payload under the hover thrust: the centre of mass stays put and the
     * tether angle oscillates with {@code w^2 = g (M + m) / (M L)} (linearised). Measured within
     * 5e-6 (relative) with a 0.01 rad swing; tolerance 0.1 %.
     */
    @ParameterizedTest
    @CsvSource({"0.3, 0.5", "0.1, 0.3", "0.8, 1.2"})
    void payloadSwingPeriod(double m, double len) {
        double hover = QuadrotorPayload.hoverAction((M + m) * G);
        Simulator s = sim(m, len, 0, 0, 0, 0, 0, 0, 0.01, 0);
        double expected = 2 * Math.PI / Math.sqrt(G * (M + m) / (M * len));
        double measured = Oscillation.period(0.01, () -> {
            s.step(new double[] {hover, hover});
            return s.state()[6];
        }, QuadrotorPayload.DT, 400, 8);
        assertEquals(expected, measured, 0.001 * expected);
    }

    @Test
    void differentialThrustPitchesAndTiltsTheThrust() {
        double hover = QuadrotorPayload.hoverAction((M + 0.2) * G);
        Simulator s = sim(0.2, 0.5, 0, 0, 0, 0, 0, 0, 0, 0);
        s.step(new double[] {hover + 0.1, hover - 0.1});
        double[] st = s.state();
        assertTrue(st[5] > 0 && st[4] > 0, "rotor 1 stronger pitches positive: " + Arrays.toString(st));
        // From rest under the torque d (T1 - T2), T1 - T2 = 0.1 MAX_ROTOR_THRUST, and the drag c:
        // phi'(t) = (torque / c)(1 - e^{-c t / J}); RK4 measured within 1.7e-6 (relative), tolerance 1e-5.
        double torque = QuadrotorPayload.ARM * 0.1 * QuadrotorPayload.MAX_ROTOR_THRUST;
        double c = QuadrotorPayload.ROTATIONAL_DRAG;
        double expected = torque / c * (1 - Math.exp(-c / QuadrotorPayload.INERTIA * QuadrotorPayload.DT));
        assertEquals(expected, st[5], 1e-5 * expected);
        for (int t = 0; t < 5; t++) {
            s.step(new double[] {hover, hover});
        }
        assertTrue(s.state()[2] > 0, "tilted thrust accelerates toward +x");
    }

    @Test
    void theTetherRateIsHiddenFromTheObservation() {
        Simulator a = sim(0.3, 0.5, 0.1, 0.2, 0.3, -0.1, 0.05, 0.1, 0.2, 0.0);
        Simulator b = sim(0.3, 0.5, 0.1, 0.2, 0.3, -0.1, 0.05, 0.1, 0.2, 1.5);
        assertArrayEquals(a.observation(), b.observation(), 0.0);
        assertEquals(9, a.observation().length);
        double[] o = a.observation();
        assertArrayEquals(new double[] {0.1, 0.2, 0.3, -0.1, Math.cos(0.05), Math.sin(0.05), 0.1, Math.cos(0.2),
            Math.sin(0.2)}, o, 0.0);
        double[] u = {0.0, 0.0};
        assertFalse(Arrays.equals(a.step(u).observation(), b.step(u).observation()), "but it matters for the dynamics");
    }

    @Test
    void rewardTracksTheFigureEightAtTheEndOfTheStep() {
        assertArrayEquals(new double[] {0, 0}, QuadrotorPayload.reference(0), 1e-15);
        double quarter = QuadrotorPayload.REF_PERIOD / 4;
        assertArrayEquals(new double[] {QuadrotorPayload.REF_X_AMPLITUDE, 0}, QuadrotorPayload.reference(quarter), 1e-12);
        assertArrayEquals(new double[] {QuadrotorPayload.REF_X_AMPLITUDE * Math.sqrt(0.5), QuadrotorPayload.REF_Z_AMPLITUDE},
                QuadrotorPayload.reference(quarter / 2), 1e-12);

        Simulator s = sim(0.3, 0.5, 0.5, 0.2, 0, 0, 0, 0, 0, 0);
        double[] state = s.state();
        state[8] = 7;   // the eighth control step of the episode
        s.setState(state);
        double[] u = {0.3, -2.0};
        Simulator.Step step = s.step(u);
        double[] ref = QuadrotorPayload.reference(8 * QuadrotorPayload.DT);
        double dist = Math.hypot(step.observation()[0] - ref[0], step.observation()[1] - ref[1]);
        assertEquals(-(dist + 0.01 * (0.09 + 1.0)), step.reward(), 1e-12);
        assertEquals(8, s.state()[8], 0.0, "the step count is part of the state");
        assertEquals(8, ((QuadrotorPayload.Sim) s).stepCount());
        assertFalse(step.terminated());
        // reset counts from 0 again
        s.reset(new SplittableRandom(1));
        assertEquals(0, s.state()[8], 0.0);
    }

    @Test
    void resetNearTheStartChangeAndInvalidInput() {
        QuadrotorPayload f = new QuadrotorPayload();
        Simulator s = f.simulator(new double[] {0.2, 0.5});
        SplittableRandom rng = new SplittableRandom(4);
        for (int i = 0; i < 100; i++) {
            s.reset(rng);
            double[] st = s.state();
            for (int j = 0; j < 6; j++) {
                assertTrue(Math.abs(st[j]) <= 0.05, Arrays.toString(st));
            }
            assertTrue(Math.abs(st[6]) <= 0.1 && Math.abs(st[7]) <= 0.1);
        }
        assertArrayEquals(new double[] {0.5, 0.5}, f.changedParameters(new double[] {0.2, 0.5}), 1e-12);
        // A payload-free quadrotor is allowed; the change then attaches one.
        f.simulator(new double[] {0.0, 0.5});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.simulator(new double[] {-0.1, 0.5}));
        assertTrue(e.getMessage().contains("payload_mass=-0.1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> f.simulator(new double[] {0.2, 0.0}));
        assertTrue(e.getMessage().contains("tether_length=0.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.setState(new double[8]));
        double[] bad = new double[9];
        bad[8] = 1.5;
        assertThrows(IllegalArgumentException.class, () -> s.setState(bad), "fractional step count");
        bad[8] = -1;
        assertThrows(IllegalArgumentException.class, () -> s.setState(bad), "negative step count");
        assertThrows(IllegalArgumentException.class, () -> s.step(new double[1]));
    }
}
