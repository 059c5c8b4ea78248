package org.mbmrl.datasets.family;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mbmrl.datasets.Split;

/** Physics, kinematics and damage model of the three-joint reacher. */
class ReacherDamageTest {

    private static Simulator damped(double[] gains, double damping, double... state) {
        Simulator s = new ReacherDamage.Sim(gains, damping);
        s.setState(state);
        return s;
    }

    private static Simulator sim(double[] gains, double... state) {
        return damped(gains, ReacherDamage.JOINT_DAMPING, state);
    }

    @Test
    void aDeadJointDoesNotMoveUnderItsOwnTorqueWhileAHealthyOneDoes() {
        double[] start = {0.3, -0.5, 0.2, 0, 0, 0};
        for (int dead = 0; dead < 3; dead++) {
            double[] gains = {1, 1, 1};
            gains[dead] = 0;
            double[] u = new double[3];
            u[dead] = ReacherDamage.MAX_TORQUE;
            Simulator broken = sim(gains, start);
            Simulator healthy = sim(new double[] {1, 1, 1}, start);
            for (int t = 0; t < 20; t++) {
                broken.step(u);
                healthy.step(u);
            }
            assertArrayEquals(start, broken.state(), 0.0, "dead joint " + (dead + 1) + " moved the arm");
            assertTrue(Math.abs(healthy.state()[dead] - start[dead]) > 0.3,
                    "healthy joint " + (dead + 1) + " moved only " + (healthy.state()[dead] - start[dead]));
        }
    }

    @Test
    void theGainScalesTheTorqueAndADeadJointIsPassive() {
        double[] start = {0.3, -0.5, 0.2, 0.1, 0, -0.2};
        // gain 0.5 with command 2 is the same torque as gain 1 with command 1.
        Simulator half = sim(new double[] {1, 0.5, 1}, start);
        Simulator full = sim(new double[] {1, 1, 1}, start);
        for (int t = 0; t < 10; t++) {
            half.step(new double[] {0.4, 2.0, -0.3});
            full.step(new double[] {0.4, 1.0, -0.3});
        }
        assertArrayEquals(full.state(), half.state(), 0.0);
        // A dead elbow is free: driving the shoulder swings it (the links are coupled).
        Simulator passive = sim(new double[] {1, 0, 1}, 0, 0, 0, 0, 0, 0);
        for (int t = 0; t < 10; t++) {
            passive.step(new double[] {2, 0, 0});
        }
        assertTrue(Math.abs(passive.state()[1]) > 0.05, "elbow " + passive.state()[1]);
        // Positive torque turns a joint positively from rest.
        Simulator s = sim(new double[] {1, 1, 1}, 0, 0, 0, 0, 0, 0);
        s.step(new double[] {1, 0, 0});
        assertTrue(s.state()[0] > 0 && s.state()[3] > 0);
    }

    /**
     * Without torque and damping the kinetic energy is conserved. RK4 with 4 substeps of
     * 12.5 ms, 200 control steps (10 s); measured worst relative drift over these cases 4.0e-7
     * (the fastest, 6 rad/s at the wrist; the others below 1e-8). Tolerance 1e-5.
     */
    @ParameterizedTest
    @CsvSource({
        "0.0, 0.5, 0.0,  1.0,  0.0,  0.0",
        "0.3, -1.0, 2.0, 0.0,  2.0, -2.0",
        "1.0, 1.5, -0.5, -1.0, 3.0,  6.0",
        "0.0, 3.0, 0.0,  0.5,  0.5,  0.5",
    })
    void energyIsConservedWithoutTorqueOrDamping(double q1, double q2, double q3, double w1, double w2, double w3) {
        Simulator s = damped(new double[] {1, 1, 1}, 0.0, q1, q2, q3, w1, w2, w3);
        double e0 = ReacherDamage.energy(s.state());
        double worst = 0;
        double moved = 0;
        for (int t = 0; t < 200; t++) {
            s.step(new double[] {0, 0, 0});
            worst = Math.max(worst, Math.abs(ReacherDamage.energy(s.state()) - e0) / e0);
            moved = Math.max(moved, Math.abs(s.state()[1] - q2));
        }
        assertTrue(worst < 1e-5, "relative energy drift " + worst);
        assertTrue(moved > 0.3, "the elbow barely moved: " + moved);
    }

    @Test
    void jointDampingDissipatesEnergyMonotonically() {
        Simulator s = damped(new double[] {1, 1, 1}, 0.3, 0.0, 0.0, 0.0, -1.0, 3.0, 6.0);
        double e0 = ReacherDamage.energy(s.state());
        double prev = e0;
        for (int t = 0; t < 200; t++) {
            s.step(new double[] {0, 0, 0});
            double e = ReacherDamage.energy(s.state());
            assertTrue(e <= prev + 1e-12, "energy rose at step " + t);
            prev = e;
        }
        // Measured: 7.7e-6 of the energy is left after 10 s.
        assertTrue(prev < 0.05 * e0, "energy " + e0 + " -> " + prev);
    }

    @Test
    void fingertipKinematicsAndReward() {
        assertArrayEquals(new double[] {1.0, 0.0}, tip(0, 0, 0), 1e-12);
        assertArrayEquals(new double[] {0.0, 1.0}, tip(Math.PI / 2, 0, 0), 1e-12);
        assertArrayEquals(new double[] {0.4 + 0.25, 0.35}, tip(0, Math.PI / 2, -Math.PI / 2), 1e-12);
        assertArrayEquals(new double[] {0.4 - 0.35 + 0.25, 0.0}, tip(0, Math.PI, Math.PI), 1e-12);

        Simulator s = sim(new double[] {1, 1, 1}, 0.2, 0.4, -0.3, 0, 0, 0);
        double[] u = {1.0, -3.0, 0.5};
        Simulator.Step step = s.step(u);
        double[] tip = ReacherDamage.fingertip(step.observation(), 0);
        double dist = Math.hypot(tip[0] - 0.3, tip[1] - 0.6);
        // Commands normalized by the torque limit 2 and clipped: (0.5, -1, 0.25).
        assertEquals(-(dist + 0.3 * (0.25 + 1.0 + 0.0625)), step.reward(), 1e-12, "clipped command in the penalty");
        // The target is reachable: at a configuration that puts the fingertip on it the reward is 0.
        double[] onTarget = solveForTarget();
        Simulator there = sim(new double[] {1, 1, 1}, onTarget[0], onTarget[1], onTarget[2], 0, 0, 0);
        assertEquals(0.0, there.step(new double[] {0, 0, 0}).reward(), 1e-9);
    }

    private static double[] tip(double q1, double q2, double q3) {
        Simulator s = sim(new double[] {1, 1, 1}, q1, q2, q3, 0, 0, 0);
        return ReacherDamage.fingertip(s.observation(), 0);
    }

    /** Wrist pointing along +x, then two-link inverse kinematics for the wrist position. */
    private static double[] solveForTarget() {
        double wx = 0.3 - 0.25;
        double wy = 0.6;
        double l1 = 0.4;
        double l2 = 0.35;
        double c2 = (wx * wx + wy * wy - l1 * l1 - l2 * l2) / (2 * l1 * l2);
        double q2 = Math.acos(c2);
        double q1 = Math.atan2(wy, wx) - Math.atan2(l2 * Math.sin(q2), l1 + l2 * Math.cos(q2));
        return new double[] {q1, q2, -(q1 + q2)};
    }

    @Test
    void splitsAndTheChangeBreakTheRightJoints() {
        ReacherDamage f = new ReacherDamage();
        SplittableRandom rng = new SplittableRandom(8);
        for (Split split : Split.values()) {
            int[] damagedCounts = new int[4];
            int[] damagedJoint = new int[3];
            for (int i = 0; i < 3000; i++) {
                double[] g = f.sampleParameters(split, rng);
                int damaged = 0;
                for (int j = 0; j < 3; j++) {
                    assertTrue(g[j] >= 0 && g[j] <= 0.3 || g[j] >= 0.5 && g[j] <= 1.0, Arrays.toString(g));
                    if (g[j] <= 0.3) {
                        damaged++;
                        damagedJoint[j]++;
                    }
                }
                damagedCounts[damaged]++;
            }
            String counts = split + " " + Arrays.toString(damagedCounts);
            assertEquals(0, damagedCounts[3], counts);
            if (split == Split.OOD) {
                assertEquals(3000, damagedCounts[2], counts);
            } else {
                assertEquals(0, damagedCounts[2], counts);
                assertTrue(damagedCounts[0] > 1350 && damagedCounts[1] > 1350, counts);
            }
            for (int j = 0; j < 3; j++) {
                int expected = split == Split.OOD ? 2000 : 500;
                assertTrue(Math.abs(damagedJoint[j] - expected) < expected / 6, split + ": joint " + (j + 1) + " damaged "
                        + damagedJoint[j] + " times");
            }
        }

        assertArrayEquals(new double[] {0.6, 0.0, 0.7}, f.changedParameters(new double[] {0.6, 0.9, 0.7}), 0.0);
        assertArrayEquals(new double[] {0.0, 0.9, 0.9}, f.changedParameters(new double[] {0.9, 0.9, 0.9}), 0.0);
        assertArrayEquals(new double[] {0.0, 0.0, 0.0}, f.changedParameters(new double[] {0.0, 0.0, 0.0}), 0.0);
    }

    @Test
    void resetAndInvalidParameters() {
        ReacherDamage f = new ReacherDamage();
        Simulator s = f.simulator(new double[] {1, 1, 1});
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 100; i++) {
            s.reset(rng);
            for (double v : s.state()) {
                assertTrue(Math.abs(v) <= 0.1);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> f.simulator(new double[] {1, 1.5, 1}));
        assertTrue(e.getMessage().contains("gain_2=1.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> f.simulator(new double[] {1, 1, -0.01}));
        assertTrue(e.getMessage().contains("gain_3=-0.01"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.setState(new double[] {0, 0, 0, 0, 0, Double.NaN}));
    }
}
