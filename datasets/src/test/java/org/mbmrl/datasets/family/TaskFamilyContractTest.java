package org.mbmrl.datasets.family;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mbmrl.datasets.Split;

/** The contract every registered task family keeps (run for each name in {@link TaskFamilies#names()}). */
class TaskFamilyContractTest {

    static Stream<String> families() {
        return TaskFamilies.names().stream();
    }

    /**
     * The nominal (train/test) box of each family's parameters, written out here independently
     * of the implementations, and what makes a task ood: every parameter listed in
     * {@code allOutside} lies outside the box or, when that is null, {@code outside} holds.
     */
    private record Nominal(double[] lo, double[] hi, int[] allOutside, java.util.function.Predicate<double[]> outside) {
        Nominal(double[] lo, double[] hi, int[] allOutside) {
            this(lo, hi, allOutside, null);
        }
    }

    /** Reacher: train/test damage at most one joint (gain < 0.5), ood two. */
    private static boolean twoDamagedJoints(double[] g) {
        int damaged = 0;
        for (double v : g) {
            damaged += v < 0.5 ? 1 : 0;
        }
        return damaged == 2;
    }

    private static final Map<String, Nominal> NOMINAL = Map.of(
            "pendulum", new Nominal(new double[] {0.5, 0.5, 0.0}, new double[] {1.5, 1.5, 0.2}, new int[] {0, 1}),
            "cartpole", new Nominal(new double[] {0.1, 0.5, 0.0}, new double[] {0.5, 1.0, 0.2}, new int[] {0, 1, 2}),
            "quadrotor-payload", new Nominal(new double[] {0.1, 0.3}, new double[] {0.4, 0.7}, new int[] {0, 1}),
            "reacher-damage", new Nominal(new double[] {0.0, 0.0, 0.0}, new double[] {1.0, 1.0, 1.0}, null,
                    TaskFamilyContractTest::twoDamagedJoints),
            "slope", new Nominal(new double[] {-0.15, 0.1}, new double[] {0.15, 0.4}, new int[] {0, 1}));

    @Test
    void everyFamilyHasANominalRangeInThisTest() {
        assertEquals(new java.util.TreeSet<>(NOMINAL.keySet()), new java.util.TreeSet<>(TaskFamilies.names()));
    }

    private static double[] randomAction(TaskFamily f, SplittableRandom rng, double overshoot) {
        double[] b = f.actionBound();
        double[] a = new double[b.length];
        for (int j = 0; j < a.length; j++) {
            a[j] = overshoot * b[j] * (2 * rng.nextDouble() - 1);
        }
        return a;
    }

    private static boolean allFinite(double[] v) {
        return Arrays.stream(v).allMatch(Double::isFinite);
    }

    @ParameterizedTest
    @MethodSource("families")
    void descriptionIsConsistent(String name) {
        TaskFamily f = TaskFamilies.byName(name);
        assertEquals(name, f.name());
        assertTrue(f.observationDim() >= 1 && f.observationDim() <= 12, "observation dim " + f.observationDim());
        assertEquals(f.actionDim(), f.actionBound().length);
        for (double b : f.actionBound()) {
            assertTrue(b > 0 && Double.isFinite(b), "bound " + b);
        }
        assertTrue(f.episodeLength() >= 100 && f.episodeLength() <= 200, "episode length " + f.episodeLength());
        assertEquals(f.parameterNames().size(), new java.util.HashSet<>(f.parameterNames()).size(), "distinct names");
        for (Split split : Split.values()) {
            double[] p = f.sampleParameters(split, new SplittableRandom(5));
            assertEquals(f.parameterNames().size(), p.length, split.label());
            Simulator sim = f.simulator(p);
            double[] obs = sim.reset(new SplittableRandom(6));
            assertEquals(f.observationDim(), obs.length);
            assertArrayEquals(obs, sim.observation(), 0.0);
            Simulator.Step step = sim.step(new double[f.actionDim()]);
            assertEquals(f.observationDim(), step.observation().length);
            assertArrayEquals(step.observation(), sim.observation(), 0.0);
            assertEquals(f.parameterNames().size(), f.changedParameters(p).length);
        }
    }

    /**
     * The batched reward equals the simulator's reward over random rollouts: eight simulators
     * step together and their transitions of each step are scored in one call (row-major
     * offsets), with actions beyond the bound (the batched reward clips them too).
     */
    @ParameterizedTest
    @MethodSource("families")
    void batchedRewardsEqualTheSimulatorsRewards(String name) {
        TaskFamily f = TaskFamilies.byName(name);
        int k = 8;
        int ds = f.observationDim();
        int da = f.actionDim();
        SplittableRandom rng = new SplittableRandom(17);
        for (Split split : new Split[] {Split.TRAIN, Split.OOD}) {
            double[] p = f.sampleParameters(split, rng);
            Simulator[] sims = new Simulator[k];
            double[] obs = new double[k * ds];
            for (int i = 0; i < k; i++) {
                sims[i] = f.simulator(p);
                System.arraycopy(sims[i].reset(new SplittableRandom(100 + i)), 0, obs, i * ds, ds);
            }
            double worst = 0;
            int steps = f.episodeLength();
            for (int t = 0; t < steps; t++) {
                double[] actions = new double[k * da];
                double[] next = new double[k * ds];
                double[] expected = new double[k];
                for (int i = 0; i < k; i++) {
                    double[] a = randomAction(f, rng, 1.5);
                    System.arraycopy(a, 0, actions, i * da, da);
                    Simulator.Step step = sims[i].step(a);
                    System.arraycopy(step.observation(), 0, next, i * ds, ds);
                    expected[i] = step.reward();
                }
                double[] out = new double[k + 1];
                out[k] = 12345;
                f.rewards(t, obs, actions.clone(), next, k, out);
                for (int i = 0; i < k; i++) {
                    assertEquals(expected[i], out[i], 1e-9, name + " " + split.label() + " step " + t + " row " + i);
                    worst = Math.max(worst, Math.abs(expected[i] - out[i]));
                }
                assertEquals(12345, out[k], 0.0, "rewards wrote past n");
                obs = next;
            }
            assertTrue(worst <= 1e-9);
        }
    }

    @ParameterizedTest
    @MethodSource("families")
    void setStateRoundTripsAndReproducesTheFuture(String name) {
        TaskFamily f = TaskFamilies.byName(name);
        SplittableRandom rng = new SplittableRandom(23);
        double[] p = f.sampleParameters(Split.TRAIN, rng);
        Simulator sim = f.simulator(p);
        sim.reset(rng);
        for (int t = 0; t < 15; t++) {
            sim.step(randomAction(f, rng, 1.0));
        }
        double[] state = sim.state();
        double[] obs = sim.observation();
        double[][] plan = new double[10][];
        for (int t = 0; t < plan.length; t++) {
            plan[t] = randomAction(f, rng, 1.0);
        }
        Simulator.Step[] first = new Simulator.Step[plan.length];
        for (int t = 0; t < plan.length; t++) {
            first[t] = sim.step(plan[t]);
        }
        assertFalse(Arrays.equals(state, sim.state()), "the state moved");
        // Back to the saved state on the same simulator and on a fresh one with the same parameters.
        Simulator fresh = f.simulator(p);
        fresh.reset(new SplittableRandom(999));
        for (Simulator s : new Simulator[] {sim, fresh}) {
            s.setState(state);
            assertArrayEquals(state, s.state(), 0.0);
            assertArrayEquals(obs, s.observation(), 0.0);
            for (int t = 0; t < plan.length; t++) {
                Simulator.Step again = s.step(plan[t]);
                assertArrayEquals(first[t].observation(), again.observation(), 0.0, "step " + t);
                assertEquals(first[t].reward(), again.reward(), 0.0, "step " + t);
                assertEquals(first[t].terminated(), again.terminated());
            }
        }
        // state() is a copy: changing it does not change the simulator.
        double[] copy = sim.state();
        double[] before = copy.clone();
        Arrays.fill(copy, 0.5);
        assertArrayEquals(before, sim.state(), 0.0);
    }

    @ParameterizedTest
    @MethodSource("families")
    void seededResetAndRolloutAreDeterministic(String name) {
        TaskFamily f = TaskFamilies.byName(name);
        double[][] runs = new double[3][];
        long[] seeds = {41, 41, 42};
        for (int r = 0; r < 3; r++) {
            SplittableRandom rng = new SplittableRandom(seeds[r]);
            double[] p = f.sampleParameters(Split.TEST, rng);
            Simulator sim = f.simulator(p);
            double[] trace = Arrays.copyOf(sim.reset(rng), f.observationDim() + 50 * (f.observationDim() + 1));
            int at = f.observationDim();
            for (int t = 0; t < 50; t++) {
                Simulator.Step step = sim.step(randomAction(f, rng, 1.0));
                System.arraycopy(step.observation(), 0, trace, at, f.observationDim());
                trace[at + f.observationDim()] = step.reward();
                at += f.observationDim() + 1;
            }
            runs[r] = trace;
        }
        assertArrayEquals(runs[0], runs[1], 0.0);
        assertFalse(Arrays.equals(runs[0], runs[2]), "another seed gives another rollout");

        // The reset state is random but near the task's start: two seeds differ.
        Simulator sim = f.simulator(f.sampleParameters(Split.TRAIN, new SplittableRandom(1)));
        double[] a = sim.reset(new SplittableRandom(1));
        double[] b = sim.reset(new SplittableRandom(2));
        assertFalse(Arrays.equals(a, b));
        assertArrayEquals(a, sim.reset(new SplittableRandom(1)), 0.0);
    }

    @ParameterizedTest
    @MethodSource("families")
    void oodParametersLieOutsideTheNominalRange(String name) {
        TaskFamily f = TaskFamilies.byName(name);
        Nominal nominal = NOMINAL.get(name);
        assertNotNull(nominal);
        SplittableRandom rng = new SplittableRandom(29);
        int np = f.parameterNames().size();
        double[] min = new double[np];
        double[] max = new double[np];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < 2000; i++) {
            for (Split split : new Split[] {Split.TRAIN, Split.TEST}) {
                double[] p = f.sampleParameters(split, rng);
                for (int j = 0; j < np; j++) {
                    assertTrue(p[j] >= nominal.lo()[j] && p[j] <= nominal.hi()[j],
                            name + " " + split.label() + " " + f.parameterNames().get(j) + "=" + p[j]);
                    min[j] = Math.min(min[j], p[j]);
                    max[j] = Math.max(max[j], p[j]);
                }
            }
            double[] q = f.sampleParameters(Split.OOD, rng);
            f.simulator(q);   // valid parameters
            if (nominal.allOutside() == null) {
                assertTrue(nominal.outside().test(q), name + " ood " + Arrays.toString(q));
            } else {
                for (int j : nominal.allOutside()) {
                    assertTrue(q[j] < nominal.lo()[j] || q[j] > nominal.hi()[j],
                            name + " ood " + f.parameterNames().get(j) + "=" + q[j]);
                }
            }
        }
        // train/test spread over (most of) the nominal box, so the box above is not loose.
        for (int j = 0; j < np; j++) {
            double width = nominal.hi()[j] - nominal.lo()[j];
            assertTrue(min[j] < nominal.lo()[j] + 0.02 * width && max[j] > nominal.hi()[j] - 0.02 * width,
                    name + " " + f.parameterNames().get(j) + " spread " + min[j] + ".." + max[j]);
        }
    }

    /**
     * The mid-episode change keeps the state and changes the dynamics: from the same state the
     * same action leads elsewhere. With the largest action it always does; with random actions
     * it does at nearly every state of a random rollout.
     */
    @ParameterizedTest
    @MethodSource("families")
    void changedParametersChangeTheDynamicsAndKeepTheState(String name) {
        TaskFamily f = TaskFamilies.byName(name);
        SplittableRandom rng = new SplittableRandom(31);
        int differ = 0;
        int trials = 0;
        for (Split split : Split.values()) {
            for (int task = 0; task < 5; task++) {
                double[] p = f.sampleParameters(split, rng);
                double[] pCopy = p.clone();
                double[] changed = f.changedParameters(p);
                assertArrayEquals(pCopy, p, 0.0, "changedParameters must not modify its argument");
                assertFalse(Arrays.equals(p, changed), name + " change of " + Arrays.toString(p));
                Simulator sim = f.simulator(p);
                sim.reset(rng);
                for (int t = 0; t < 20; t++) {
                    double[] state = sim.state();
                    double[] obs = sim.observation();
                    Simulator other = f.simulator(p);
                    other.setState(state);
                    other.setParameters(changed);
                    assertArrayEquals(state, other.state(), 0.0, "the change keeps the state");
                    assertArrayEquals(obs, other.observation(), 0.0, "the change keeps the observation");

                    double[] a = randomAction(f, rng, 1.0);
                    Simulator same = f.simulator(p);
                    same.setState(state);
                    double[] mine = same.step(a).observation();
                    double[] theirs = other.step(a).observation();
                    trials++;
                    if (!Arrays.equals(mine, theirs)) {
                        differ++;
                    }

                    double[] full = f.actionBound().clone();
                    same.setState(state);
                    other.setState(state);
                    assertFalse(Arrays.equals(same.step(full).observation(), other.step(full).observation()),
                            name + " " + split.label() + " full action after the change, step " + t);
                    sim.step(randomAction(f, rng, 1.0));
                }
            }
        }
        assertTrue(differ >= 0.9 * trials, name + ": only " + differ + " of " + trials + " transitions changed");
    }

    @ParameterizedTest
    @MethodSource("families")
    void actionsAreClippedToTheBound(String name) {
        TaskFamily f = TaskFamilies.byName(name);
        SplittableRandom rng = new SplittableRandom(37);
        double[] p = f.sampleParameters(Split.TRAIN, rng);
        Simulator sim = f.simulator(p);
        sim.reset(rng);
        for (int t = 0; t < 5; t++) {
            sim.step(randomAction(f, rng, 1.0));
        }
        double[] state = sim.state();
        double[] bound = f.actionBound();
        for (int j = 0; j < f.actionDim(); j++) {
            for (double sign : new double[] {1, -1}) {
                double[] atBound = randomAction(f, rng, 0.5);
                atBound[j] = sign * bound[j];
                double[] beyond = atBound.clone();
                beyond[j] = sign * 100 * bound[j];
                double[] inside = atBound.clone();
                inside[j] = sign * 0.9 * bound[j];
                sim.setState(state);
                Simulator.Step a = sim.step(atBound);
                sim.setState(state);
                Simulator.Step b = sim.step(beyond);
                sim.setState(state);
                Simulator.Step c = sim.step(inside);
                assertArrayEquals(a.observation(), b.observation(), 0.0, name + " component " + j);
                assertEquals(a.reward(), b.reward(), 0.0);
                assertFalse(Arrays.equals(a.observation(), c.observation()), "the clip is at the bound, not inside it");
                // The batched reward clips too.
                double[] out = new double[2];
                double[] obs2 = concat(sim.observation(), sim.observation());
                double[] next2 = concat(a.observation(), a.observation());
                f.rewards(0, obs2, concat(atBound, beyond), next2, 2, out);
                assertEquals(out[0], out[1], 0.0);
            }
        }
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Long random rollouts (restarting at termination) in every split, with the change mid-way, stay finite. */
    @ParameterizedTest
    @MethodSource("families")
    void longRandomRolloutsStayFiniteAndRewardsAreDense(String name) {
        TaskFamily f = TaskFamilies.byName(name);
        SplittableRandom rng = new SplittableRandom(43);
        for (Split split : Split.values()) {
            double[] p = f.sampleParameters(split, rng);
            Simulator sim = f.simulator(p);
            double[] obs = sim.reset(rng);
            java.util.Set<Double> rewards = new java.util.HashSet<>();
            for (int t = 0; t < 3000; t++) {
                if (t == 1500) {
                    sim.setParameters(f.changedParameters(p));
                }
                Simulator.Step step = sim.step(randomAction(f, rng, 1.2));
                assertTrue(allFinite(step.observation()), name + " step " + t + " " + Arrays.toString(step.observation()));
                assertTrue(allFinite(sim.state()), name + " step " + t);
                assertTrue(Double.isFinite(step.reward()), name + " step " + t);
                rewards.add(step.reward());
                obs = step.terminated() ? sim.reset(rng) : step.observation();
            }
            assertTrue(allFinite(obs));
            // Dense: almost every transition has its own reward value.
            assertTrue(rewards.size() > 2500, name + " only " + rewards.size() + " distinct rewards");
        }
    }

    @ParameterizedTest
    @MethodSource("families")
    void invalidParametersAreRejectedByName(String name) {
        TaskFamily f = TaskFamilies.byName(name);
        double[] p = f.sampleParameters(Split.TRAIN, new SplittableRandom(3));
        List<String> names = f.parameterNames();
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> f.simulator(Arrays.copyOf(p, p.length - 1)));
        assertTrue(count.getMessage().contains(names.size() + " parameters"), count.getMessage());
        Simulator sim = f.simulator(p);
        for (int j = 0; j < p.length; j++) {
            double[] bad = p.clone();
            bad[j] = Double.NaN;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.simulator(bad));
            assertTrue(e.getMessage().contains(names.get(j) + "=NaN"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sim.setParameters(bad));
            bad[j] = -1e6;
            IllegalArgumentException neg = assertThrows(IllegalArgumentException.class, () -> f.simulator(bad),
                    name + " accepted " + names.get(j) + "=-1e6");
            assertTrue(neg.getMessage().contains(names.get(j) + "="), neg.getMessage());
        }
    }
}
