package org.mbmrl.datasets.family;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Physics, observation, reward and termination of the cart-pole. */
class CartPoleTest {

    private static Simulator sim(double mass, double length, double friction, double... state) {
        Simulator s = new CartPole().simulator(new double[] {mass, length, friction});
        s.setState(state);
        return s;
    }

    /**
     * Without force and friction energy and horizontal momentum are constants of motion. RK4
     * with 4 substeps of 12.5 ms over 100 control steps (5 s). Measured worst drifts over these
     * cases: relative energy 3.8e-5 and momentum 4.8e-5 kg m/s for the short pole spinning at
     * 12 rad/s, at most 6e-7 and 1e-6 for the others. Tolerances: relative energy drift below
     * 1e-4, absolute momentum drift below 2e-4 kg m/s (the momentum is of order 1).
     */
    @ParameterizedTest
    @CsvSource({
        // pole mass, pole length, x, x', th, th'
        "0.1, 0.5, 0.0,  0.0, 2.0,   0.0",
        "0.5, 1.0, 0.0,  0.0, 1.0,   0.0",
        "0.5, 1.0, 0.5,  1.0, 0.1,   0.0",   // falls from near upright
        "0.3, 0.8, 0.0, -0.5, 3.14,  8.0",   // spins over the top
        "1.0, 1.5, 0.0,  0.3, 2.0,  -1.0",
        "0.5, 0.5, 0.0,  0.0, 0.0,  12.0",
    })
    void energyAndMomentumAreConservedWithoutForceOrFriction(double m, double len, double x, double v, double th,
            double w) {
        Simulator s = sim(m, len, 0.0, x, v, th, w);
        double[] s0 = s.state();
        double e0 = CartPole.energy(m, len, s0);
        double p0 = CartPole.momentum(m, len, s0);
        double scale = Math.abs(e0) + m * CartPole.GRAVITY * len / 2;   // energy is relative to the hinge height
        double worstE = 0;
        double worstP = 0;
        double maxAngleChange = 0;
        for (int t = 0; t < 100; t++) {
            s.step(new double[] {0.0});
            double[] st = s.state();
            worstE = Math.max(worstE, Math.abs(CartPole.energy(m, len, st) - e0) / scale);
            worstP = Math.max(worstP, Math.abs(CartPole.momentum(m, len, st) - p0));
            maxAngleChange = Math.max(maxAngleChange, Math.abs(st[2] - th));
        }
        assertTrue(worstE < 1e-4, "relative energy drift " + worstE);
        assertTrue(worstP < 2e-4, "momentum drift " + worstP);
        assertTrue(maxAngleChange > 0.5, "the pole barely moved: " + maxAngleChange);
    }

    @ParameterizedTest
    @CsvSource({"0.1, 0.5, 0.2", "0.5, 1.0, 0.1", "1.0, 1.5, 0.5"})
    void cartFrictionDissipatesEnergyMonotonically(double m, double len, double b) {
        Simulator s = sim(m, len, b, 0.0, 1.5, 2.0, 0.0);
        double e0 = CartPole.energy(m, len, s.state());
        double prev = e0;
        for (int t = 0; t < 400; t++) {
            s.step(new double[] {0.0});
            double e = CartPole.energy(m, len, s.state());
            assertTrue(e <= prev + 1e-9, "energy rose at step " + t + ": " + prev + " -> " + e);
            prev = e;
        }
        // The lowest energy is the pole hanging at rest, -m g l. Measured: 5 %, 8 % and 37 % of the
        // energy above it is left after 20 s; tolerance 50 %.
        double bottom = -m * CartPole.GRAVITY * len / 2;
        assertTrue(prev - bottom < 0.5 * (e0 - bottom), "energy " + e0 + " -> " + prev + " (bottom " + bottom + ")");
    }

    /**
     * Small oscillations of the hanging pole with a free cart: linearising about th = pi gives
     * {@code w^2 = g / (l (4/3 - m / (M + m)))}, l the half-length. Measured within 2.1e-5
     * (relative) of it with a 0.01 rad swing; tolerance 0.1 %.
     */
    @ParameterizedTest
    @CsvSource({"0.1, 0.5", "0.5, 1.0", "1.0, 1.5", "0.3, 0.8"})
    void smallOscillationPeriodOfTheHangingPole(double m, double len) {
        Simulator s = sim(m, len, 0.0, 0.0, 0.0, Math.PI + 0.01, 0.0);
        double l = len / 2;
        double expected = 2 * Math.PI / Math.sqrt(CartPole.GRAVITY / (l * (4.0 / 3.0 - m / (CartPole.CART_MASS + m))));
        double measured = Oscillation.period(s.state()[2] - Math.PI, () -> {
            s.step(new double[] {0.0});
            return s.state()[2] - Math.PI;
        }, CartPole.DT, 600, 10);
        assertEquals(expected, measured, 0.001 * expected);
    }

    @Test
    void forcePushesTheCartAndTheUprightEquilibriumHolds() {
        Simulator s = sim(0.3, 1.0, 0.1, 0.0, 0.0, Math.PI, 0.0);
        s.step(new double[] {5.0});
        assertTrue(s.state()[1] > 0 && s.state()[0] > 0, "cart moves with the force");
        // Pushing the cart right swings the hanging pole's bottom left, i.e. th grows past pi.
        assertTrue(s.state()[2] > Math.PI, "pole angle " + s.state()[2]);

        for (double th : new double[] {0.0, Math.PI}) {
            Simulator rest = sim(0.3, 1.0, 0.1, 0.2, 0.0, th, 0.0);
            for (int t = 0; t < 20; t++) {
                rest.step(new double[] {0.0});
            }
            assertArrayEquals(new double[] {0.2, 0.0, th, 0.0}, rest.state(), 1e-12, "equilibrium at th=" + th);
        }
        // More friction: the same push moves the cart less.
        Simulator slippery = sim(0.3, 1.0, 0.0, 0.0, 0.0, Math.PI, 0.0);
        Simulator sticky = sim(0.3, 1.0, 0.5, 0.0, 0.0, Math.PI, 0.0);
        for (int t = 0; t < 10; t++) {
            slippery.step(new double[] {5.0});
            sticky.step(new double[] {5.0});
        }
        assertTrue(sticky.state()[0] < slippery.state()[0], sticky.state()[0] + " vs " + slippery.state()[0]);
    }

    @Test
    void observationRewardAndTermination() {
        Simulator s = sim(0.3, 1.0, 0.1, 0.0, 0.0, Math.PI, 0.0);
        Simulator.Step hanging = s.step(new double[] {0.0});
        assertArrayEquals(new double[] {0.0, 0.0, -1.0, Math.sin(Math.PI), 0.0}, hanging.observation(), 1e-12);
        assertEquals(-2.0, hanging.reward(), 1e-12);
        assertFalse(hanging.terminated());

        s.setState(new double[] {0.0, 0.0, 0.0, 0.0});
        assertEquals(0.0, s.step(new double[] {0.0}).reward(), 1e-12, "upright at the centre is the best");
        s.setState(new double[] {1.0, 0.0, 2 * Math.PI, 0.0});
        Simulator.Step pushed = s.step(new double[] {50.0});
        double[] o = pushed.observation();
        assertEquals(-((1 - o[2]) + 0.1 * o[0] * o[0] + 0.001 * 100), pushed.reward(), 1e-12, "clipped force");
        assertEquals(s.state()[0], o[0], 0.0);
        assertEquals(Math.cos(s.state()[2]), o[2], 0.0);

        // Leaving the track ends the episode with a penalty larger than any on-track episode's cost.
        s.setState(new double[] {2.95, 3.0, 0.0, 0.0});
        Simulator.Step off = s.step(new double[] {10.0});
        assertTrue(off.terminated());
        assertTrue(off.observation()[0] > CartPole.TRACK_LIMIT);
        assertTrue(off.reward() < -CartPole.OFF_TRACK_PENALTY, "reward " + off.reward());
        assertTrue(CartPole.OFF_TRACK_PENALTY > 3.0 * CartPole.EPISODE_LENGTH);
        s.setState(new double[] {-2.95, -3.0, 0.0, 0.0});
        assertTrue(s.step(new double[] {0.0}).terminated(), "both ends");
        s.setState(new double[] {2.5, 0.0, 0.0, 0.0});
        assertFalse(s.step(new double[] {0.0}).terminated());
    }

    @Test
    void resetStartsHangingNearTheCentre() {
        Simulator s = new CartPole().simulator(new double[] {0.3, 1.0, 0.1});
        SplittableRandom rng = new SplittableRandom(2);
        for (int i = 0; i < 200; i++) {
            double[] o = s.reset(rng);
            assertTrue(Math.abs(o[0]) <= 0.1 && Math.abs(o[1]) <= 0.1 && Math.abs(o[4]) <= 0.1);
            assertTrue(o[2] < -0.99, "cos th " + o[2]);
        }
    }

    @Test
    void changeAddsMassAndInvalidParameters() {
        CartPole f = new CartPole();
        assertArrayEquals(new double[] {0.8, 1.0, 0.1}, f.changedParameters(new double[] {0.3, 1.0, 0.1}), 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> f.simulator(new double[] {0.0, 1.0, 0.1}));
        assertTrue(e.getMessage().contains("pole_mass=0.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> f.simulator(new double[] {0.3, Double.POSITIVE_INFINITY, 0.1}));
        assertTrue(e.getMessage().contains("pole_length=Infinity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> f.simulator(new double[] {0.3, 1.0, -0.1}));
        assertTrue(e.getMessage().contains("cart_friction=-0.1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> f.simulator(new double[] {0.3, 1.0, 0.1}).setState(new double[3]));
        assertThrows(IllegalArgumentException.class, () -> f.simulator(new double[] {0.3, 1.0, 0.1}).step(new double[2]));
    }
}
