package org.mbmrl.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.mbmrl.datasets.family.Pendulum;

class EpisodeGeneratorTest {
    private static final int EPISODES = 4;
    private static final int STEPS = 50;
    private static final TaskDistribution DIST = new TaskDistribution("pendulum", 3, 1, 1, 2024);

    @Test
    void sameTaskGivesBitwiseIdenticalData() {
        TaskSpec task = DIST.task(1);
        TaskTransitions a = new EpisodeGenerator(EPISODES, STEPS).generate(task);
        TaskTransitions b = new EpisodeGenerator(EPISODES, STEPS).generate(
                new TaskSpec(task.taskId(), task.family(), task.split(), task.parameters().clone(), task.seed()));
        assertEquals(a.taskId(), b.taskId());
        assertArrayEquals(a.episode(), b.episode());
        assertArrayEquals(a.step(), b.step());
        assertTrue(bitwiseEqual(a.observation(), b.observation()));
        assertTrue(bitwiseEqual(a.action(), b.action()));
        assertTrue(bitwiseEqual(a.nextObservation(), b.nextObservation()));
        assertTrue(bitwiseEqual(a.reward(), b.reward()));
        assertArrayEquals(a.terminated(), b.terminated());
        assertArrayEquals(a.truncated(), b.truncated());

        // A different seed (same parameters) gives different data, as does a different task.
        TaskTransitions c = new EpisodeGenerator(EPISODES, STEPS).generate(
                new TaskSpec(task.taskId(), task.family(), task.split(), task.parameters(), task.seed() + 1));
        assertFalse(bitwiseEqual(a.observation(), c.observation()));
        assertFalse(bitwiseEqual(a.action(), c.action()));
        TaskTransitions d = new EpisodeGenerator(EPISODES, STEPS).generate(DIST.task(2));
        assertFalse(bitwiseEqual(a.observation(), d.observation()));
    }

    @Test
    void shapeAndOrdering() {
        TaskSpec task = DIST.task(0);
        TaskTransitions tr = new EpisodeGenerator(EPISODES, STEPS).generate(task);
        int n = EPISODES * STEPS;
        assertEquals(n, tr.size());
        assertEquals(task.taskId(), tr.taskId());
        assertEquals(3, tr.observationDim());
        assertEquals(1, tr.actionDim());
        assertEquals(n * 3, tr.observation().length);
        assertEquals(n * 3, tr.nextObservation().length);
        assertEquals(n, tr.action().length);
        for (int i = 0; i < n; i++) {
            assertEquals(i / STEPS, tr.episode()[i], "episode of row " + i);
            assertEquals(i % STEPS, tr.step()[i], "step of row " + i);
        }
        assertArrayEquals(new int[] {0, STEPS, 2 * STEPS, 3 * STEPS, 4 * STEPS}, tr.runStarts());
        assertEquals(STEPS, tr.longestRun());
        assertTrue(tr.firstProblem().isEmpty(), () -> tr.firstProblem().get());
    }

    @Test
    void nextObservationChainsWithinEpisodes() {
        TaskTransitions tr = new EpisodeGenerator(EPISODES, STEPS).generate(DIST.task(4));
        int ds = tr.observationDim();
        float[] obs = tr.observation();
        float[] next = tr.nextObservation();
        for (int i = 0; i + 1 < tr.size(); i++) {
            float[] nextOfRow = Arrays.copyOfRange(next, i * ds, (i + 1) * ds);
            float[] obsOfNextRow = Arrays.copyOfRange(obs, (i + 1) * ds, (i + 2) * ds);
            if (tr.episode()[i] == tr.episode()[i + 1]) {
                // Same double rounded to float: exactly equal.
                assertArrayEquals(nextOfRow, obsOfNextRow, 0f, "row " + i);
            } else {
                // A new episode starts from a fresh random state.
                assertFalse(Arrays.equals(nextOfRow, obsOfNextRow), "episode boundary at row " + i);
            }
        }
        // Observations are (cos th, sin th, th'): on the unit circle.
        for (int i = 0; i < tr.size(); i++) {
            double c = obs[i * ds];
            double s = obs[i * ds + 1];
            assertEquals(1.0, c * c + s * s, 1e-6, "row " + i);
        }
    }

    @Test
    void lastStepOfEachEpisodeIsTruncatedAndNothingTerminates() {
        TaskTransitions tr = new EpisodeGenerator(EPISODES, STEPS).generate(DIST.task(3));
        int truncatedRows = 0;
        for (int i = 0; i < tr.size(); i++) {
            boolean last = tr.step()[i] == STEPS - 1;
            assertEquals(last, tr.truncated()[i], "truncated at row " + i);
            assertFalse(tr.terminated()[i], "terminated at row " + i);
            if (tr.truncated()[i]) {
                truncatedRows++;
            }
        }
        assertEquals(EPISODES, truncatedRows);
    }

    @Test
    void actionsAreUniformWithinBounds() {
        TaskTransitions tr = new EpisodeGenerator(10, 100).generate(DIST.task(0));
        float[] a = tr.action();
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        double sum = 0;
        for (float x : a) {
            assertTrue(Math.abs(x) <= Pendulum.MAX_TORQUE, "action " + x);
            min = Math.min(min, x);
            max = Math.max(max, x);
            sum += x;
        }
        // Uniform on [-2, 2]: 1000 draws cover the range and average near 0.
        assertTrue(min < -1.9 && max > 1.9, "actions span " + min + ".." + max);
        assertEquals(0.0, sum / a.length, 0.2);
    }

    @Test
    void rewardMatchesTheStateAndAction() {
        TaskTransitions tr = new EpisodeGenerator(2, 30).generate(DIST.task(2));
        for (int i = 0; i < tr.size(); i++) {
            double c = tr.observation()[i * 3];
            double s = tr.observation()[i * 3 + 1];
            double w = tr.observation()[i * 3 + 2];
            double u = tr.action()[i];
            double fromUp = Math.atan2(-s, -c);   // angle - pi, wrapped to (-pi, pi]
            double expected = -(fromUp * fromUp + 0.1 * w * w + 0.001 * u * u);
            assertEquals(expected, tr.reward()[i], 1e-4 * Math.max(1, Math.abs(expected)), "reward of row " + i);
        }
    }

    @Test
    void invalidSettingsThrow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EpisodeGenerator(0, 10));
        assertTrue(e.getMessage().contains("episodes_per_task"), e.getMessage());
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class, () -> new EpisodeGenerator(1, 1));
        assertTrue(s.getMessage().contains("steps_per_episode"), s.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new EpisodeGenerator(-3, 10));
        // The smallest valid generator works.
        TaskTransitions tiny = new EpisodeGenerator(1, 2).generate(DIST.task(0));
        assertEquals(2, tiny.size());
        assertArrayEquals(new boolean[] {false, true}, tiny.truncated());
        // A task of an unknown family is rejected.
        TaskSpec bad = new TaskSpec(0, "nope", Split.TRAIN, new double[] {1, 1, 0}, 1);
        assertThrows(IllegalArgumentException.class, () -> new EpisodeGenerator(1, 2).generate(bad));
    }

    private static boolean bitwiseEqual(float[] a, float[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                return false;
            }
        }
        return true;
    }
}
