package org.mbmrl.datasets.family;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mbmrl.datasets.Split;

/** Task distributions as settings: the defaults draw exactly as before, other ranges are obeyed, bad ones refused. */
class TaskRangesTest {

    /**
     * The rules every family sampled by before its ranges became settings, written out here as
     * they were: the defaults must reproduce them draw for draw (so datasets regenerate bit for bit).
     */
    private static double[] previousRule(String family, Split split, SplittableRandom rng) {
        boolean ood = split == Split.OOD;
        switch (family) {
            case "pendulum" -> {
                double damping = u(rng, 0.0, 0.2);
                return ood ? new double[] {u(rng, 2.0, 3.0), u(rng, 1.6, 2.0), damping}
                        : new double[] {u(rng, 0.5, 1.5), u(rng, 0.5, 1.5), damping};
            }
            case "cartpole" -> {
                return ood ? new double[] {u(rng, 0.7, 1.0), u(rng, 1.2, 1.5), u(rng, 0.3, 0.5)}
                        : new double[] {u(rng, 0.1, 0.5), u(rng, 0.5, 1.0), u(rng, 0.0, 0.2)};
            }
            case "quadrotor-payload" -> {
                return ood ? new double[] {u(rng, 0.5, 0.8), u(rng, 0.8, 1.2)} : new double[] {u(rng, 0.1, 0.4), u(rng, 0.3, 0.7)};
            }
            case "slope" -> {
                return ood ? new double[] {u(rng, 0.25, 0.4), u(rng, 0.0, 0.05)} : new double[] {u(rng, -0.15, 0.15), u(rng, 0.1, 0.4)};
            }
            case "reacher-damage" -> {
                double[] g = new double[3];
                for (int j = 0; j < 3; j++) {
                    g[j] = u(rng, 0.5, 1.0);
                }
                int damaged = ood ? 2 : rng.nextInt(2);
                int first = rng.nextInt(3);
                if (damaged >= 1) {
                    g[first] = u(rng, 0.0, 0.3);
                }
                if (damaged == 2) {
                    int second = (first + 1 + rng.nextInt(2)) % 3;
                    g[second] = u(rng, 0.0, 0.3);
                }
                return g;
            }
            default -> throw new IllegalArgumentException(family);
        }
    }

    private static double u(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pendulum", "cartpole", "quadrotor-payload", "slope", "reacher-damage"})
    void defaultsDrawExactlyAsThePreviousRules(String name) {
        TaskFamily f = TaskFamilies.byName(name);
        TaskFamily restated = f.withRanges(f.defaultRanges());
        for (Split split : Split.values()) {
            for (long seed = 0; seed < 200; seed++) {
                double[] expected = previousRule(name, split, new SplittableRandom(seed));
                assertArrayEquals(expected, f.sampleParameters(split, new SplittableRandom(seed)), 0.0, name + " " + split + " " + seed);
                assertArrayEquals(expected, restated.sampleParameters(split, new SplittableRandom(seed)), 0.0);
            }
        }
    }

    @Test
    void everyDrawLiesInTheGivenRangesAndTheChangeHasTheGivenSize() {
        TaskFamily f = TaskFamilies.byName("pendulum");
        TaskRanges r = with(f.defaultRanges(), (nominal, ood) -> {
            nominal.put("mass", new TaskRanges.Range(0.2, 0.3));
            ood.put("length", new TaskRanges.Range(3.0, 3.0));
            return null;
        }, 0.25);
        TaskFamily g = f.withRanges(r);
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 500; i++) {
            double[] p = g.sampleParameters(Split.TRAIN, rng);
            assertTrue(p[0] >= 0.2 && p[0] < 0.3, "mass " + p[0]);
            assertTrue(p[1] >= 0.5 && p[1] < 1.5, "length keeps its default " + p[1]);
            double[] q = g.sampleParameters(Split.OOD, rng);
            assertEquals(3.0, q[1], 0.0, "a range of one value fixes the parameter");
        }
        assertArrayEquals(new double[] {1.25, 1.0, 0.1}, g.changedParameters(new double[] {1.0, 1.0, 0.1}), 1e-12);
        assertArrayEquals(new double[] {2.0, 1.0, 0.1}, f.changedParameters(new double[] {1.0, 1.0, 0.1}), 1e-12);
    }

    @Test
    void theReacherDamagesAsManyJointsAsAsked() {
        TaskFamily f = TaskFamilies.byName("reacher-damage");
        for (int count = 0; count <= 3; count++) {
            int k = count;
            TaskFamily g = f.withRanges(with(f.defaultRanges(), (nominal, ood) -> {
                nominal.put("damaged_joints", new TaskRanges.Range(k, k));
                nominal.put("gain", new TaskRanges.Range(0.9, 1.0));
                nominal.put("damaged_gain", new TaskRanges.Range(0.0, 0.1));
                return null;
            }, 0.0));
            SplittableRandom rng = new SplittableRandom(k);
            for (int i = 0; i < 200; i++) {
                int weak = 0;
                for (double gain : g.sampleParameters(Split.TEST, rng)) {
                    weak += gain < 0.5 ? 1 : 0;
                }
                assertEquals(k, weak, "damaged joints");
            }
        }
    }

    @Test
    void physicallyMeaninglessRangesAreRefusedNamingKeyValueAndBound() {
        TaskFamily pendulum = TaskFamilies.byName("pendulum");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pendulum.withRanges(
                with(pendulum.defaultRanges(), (n, o) -> o.put("mass", new TaskRanges.Range(-1.0, 2.0)), 1.0)));
        assertEquals("pendulum task distribution: ood.mass = [-1.0, 2.0] must lie in (0, inf) (a mass in kg)", e.getMessage());
        TaskFamily reacher = TaskFamilies.byName("reacher-damage");
        e = assertThrows(IllegalArgumentException.class, () -> reacher.withRanges(
                with(reacher.defaultRanges(), (n, o) -> n.put("gain", new TaskRanges.Range(0.5, 1.2)), 0.0)));
        assertEquals("reacher-damage task distribution: nominal.gain = [0.5, 1.2] must lie in [0, 1] (a motor gain)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> reacher.withRanges(
                with(reacher.defaultRanges(), (n, o) -> n.put("damaged_joints", new TaskRanges.Range(0, 1.5)), 0.0)));
        assertTrue(e.getMessage().contains("nominal.damaged_joints = [0.0, 1.5] must lie in an integer in [0, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pendulum.withRanges(with(pendulum.defaultRanges(),
                (n, o) -> null, -0.5)));
        assertEquals("pendulum task distribution: change.payload = -0.5 must be in [0, inf) (a payload in kg added to the bob)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pendulum.withRanges(with(pendulum.defaultRanges(),
                (n, o) -> n.put("gravity", new TaskRanges.Range(9, 10)), 1.0)));
        assertTrue(e.getMessage().contains("nominal takes [damping, length, mass]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TaskRanges.Range(2, 1));
        assertEquals("a range is [lo, hi] with finite lo <= hi; got [2.0, 1.0]", e.getMessage());
    }

    /** {@code base} with its nominal and ood maps edited and the (first) change set to {@code change}. */
    private static TaskRanges with(TaskRanges base,
            BiFunction<TreeMap<String, TaskRanges.Range>, TreeMap<String, TaskRanges.Range>, Object> edit, double change) {
        TreeMap<String, TaskRanges.Range> nominal = new TreeMap<>(base.nominal());
        TreeMap<String, TaskRanges.Range> ood = new TreeMap<>(base.ood());
        edit.apply(nominal, ood);
        TreeMap<String, Double> c = new TreeMap<>(base.change());
        c.put(c.firstKey(), change);
        return new TaskRanges(nominal, ood, c);
    }
}
