package org.mbmrl.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskTransitionsTest {
    private static final long TASK = 7;
    private static final int DS = 3;
    private static final int DA = 2;
    /**
     * Two episodes of different lengths, the second with a gap in its step counter:
     * rows 0..4 are episode 0 steps 0..4; rows 5..7 episode 1 steps 0..2; rows 8..11 episode 1
     * steps 5..8 (steps 3 and 4 missing). Contiguous runs: [0, 5), [5, 8), [8, 12).
     */
    private static final int[] EPISODE = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1};
    private static final int[] STEP = {0, 1, 2, 3, 4, 0, 1, 2, 5, 6, 7, 8};
    private static final int N = EPISODE.length;

    /** A clean task; every value distinct and finite. */
    private static TaskTransitions build(Mutation mutation) {
        float[] obs = new float[N * DS];
        float[] act = new float[N * DA];
        float[] next = new float[N * DS];
        float[] rew = new float[N];
        for (int i = 0; i < obs.length; i++) {
            obs[i] = 0.1f * i;
            next[i] = 0.1f * i + 0.05f;
        }
        for (int i = 0; i < act.length; i++) {
            act[i] = -0.01f * i;
        }
        for (int i = 0; i < N; i++) {
            rew[i] = -i;
        }
        mutation.apply(obs, act, next, rew);
        return new TaskTransitions(TASK, DS, DA, EPISODE.clone(), STEP.clone(), obs, act, next, rew,
                new boolean[N], new boolean[N]);
    }

    interface Mutation {
        void apply(float[] obs, float[] act, float[] next, float[] rew);
    }

    private static TaskTransitions clean() {
        return build((o, a, n, r) -> {});
    }

    /** Brute force: starts t such that rows t..t+len-1 are one episode with consecutive steps. */
    private static List<Integer> validStarts(int length) {
        List<Integer> out = new ArrayList<>();
        for (int t = 0; t + length <= N; t++) {
            boolean ok = true;
            for (int k = 1; k < length; k++) {
                if (EPISODE[t + k] != EPISODE[t] || STEP[t + k] != STEP[t] + k) {
                    ok = false;
                    break;
                }
            }
            if (ok) {
                out.add(t);
            }
        }
        return out;
    }

    @Test
    void runStartsAndLongestRun() {
        TaskTransitions tr = clean();
        assertEquals(N, tr.size());
        assertArrayEquals(new int[] {0, 5, 8, 12}, tr.runStarts());
        assertEquals(5, tr.longestRun());
        // runStarts returns a copy.
        tr.runStarts()[1] = 99;
        assertArrayEquals(new int[] {0, 5, 8, 12}, tr.runStarts());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 12})
    void segmentStartsAreExactlyTheValidStarts(int length) {
        TaskTransitions tr = clean();
        List<Integer> expected = validStarts(length);
        assertEquals(expected.size(), tr.segmentCount(length), "segment count for length " + length);
        List<Integer> enumerated = new ArrayList<>();
        for (int i = 0; i < tr.segmentCount(length); i++) {
            enumerated.add(tr.segmentStart(i, length));
        }
        assertEquals(expected, enumerated, "segment starts for length " + length);
        int count = tr.segmentCount(length);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> tr.segmentStart(count, length));
        assertTrue(e.getMessage().contains("task " + TASK), e.getMessage());
    }

    @Test
    void segmentCountsByHand() {
        TaskTransitions tr = clean();
        // Runs of 5, 3 and 4 rows.
        assertEquals(12, tr.segmentCount(1));
        assertEquals(2 + 0 + 1, tr.segmentCount(4));
        assertEquals(1, tr.segmentCount(5));
        assertEquals(0, tr.segmentCount(6));
        // Length 4 fits at rows 0 and 1 (episode 0) and row 8 (after the gap), not across the gap at 5..7.
        assertEquals(List.of(0, 1, 8), List.of(tr.segmentStart(0, 4), tr.segmentStart(1, 4), tr.segmentStart(2, 4)));
    }

    @Test
    void emptyTask() {
        TaskTransitions tr = new TaskTransitions(3, DS, DA, new int[0], new int[0], new float[0], new float[0],
                new float[0], new float[0], new boolean[0], new boolean[0]);
        assertEquals(0, tr.size());
        assertArrayEquals(new int[] {0}, tr.runStarts());
        assertEquals(0, tr.longestRun());
        assertEquals(0, tr.segmentCount(1));
        assertThrows(IndexOutOfBoundsException.class, () -> tr.segmentStart(0, 1));
        assertTrue(tr.firstProblem().isEmpty());
    }

    @Test
    void keyProblemsOfAStoredDatasetAreLocated() {
        // The fixture's gap (episode 1 steps 2 -> 5) is fine in memory, not in a stored dataset.
        assertEquals("task 7 episode 1 step 5: steps jump from 2 to 5 (an episode's steps run 0, 1, 2, ... without gaps)",
                clean().firstKeyProblem().orElseThrow());
        assertEquals(Optional.empty(), keyed(new int[] {0, 0, 1, 1}, new int[] {0, 1, 0, 1}).firstKeyProblem());
        assertEquals("task 7 episode 0 step 1: duplicate transition (the same task, episode and step twice)",
                keyed(new int[] {0, 0, 0}, new int[] {0, 1, 1}).firstKeyProblem().orElseThrow());
        assertTrue(keyed(new int[] {0, 1}, new int[] {0, 3}).firstKeyProblem().orElseThrow()
                .contains("episode 1 step 3: the episode starts at step 3"));
        assertTrue(keyed(new int[] {-1}, new int[] {0}).firstKeyProblem().orElseThrow().contains("negative episode"));
    }

    private static TaskTransitions keyed(int[] episodes, int[] steps) {
        int n = episodes.length;
        return new TaskTransitions(TASK, 1, 1, episodes, steps, new float[n], new float[n], new float[n], new float[n],
                new boolean[n], new boolean[n]);
    }

    @Test
    void cleanDataHasNoProblem() {
        assertEquals(Optional.empty(), clean().firstProblem());
    }

    @Test
    void nanInObservationIsLocated() {
        // Row 9 is episode 1, step 6; column 2 of the observation.
        TaskTransitions tr = build((o, a, n, r) -> o[9 * DS + 2] = Float.NaN);
        String p = tr.firstProblem().orElseThrow();
        assertEquals("task 7 episode 1 step 6: observation[2] is NaN", p);
    }

    @Test
    void firstOfSeveralProblemsIsReported() {
        // Two bad observation values: the earlier row wins (row 3: episode 0 step 3, column 1).
        TaskTransitions tr = build((o, a, n, r) -> {
            o[10 * DS] = Float.NaN;
            o[3 * DS + 1] = Float.NEGATIVE_INFINITY;
            r[0] = Float.NaN;
        });
        String p = tr.firstProblem().orElseThrow();
        assertTrue(p.contains("task 7"), p);
        assertTrue(p.contains("episode 0"), p);
        assertTrue(p.contains("step 3"), p);
        assertTrue(p.contains("observation[1]"), p);
        assertTrue(p.contains("-Infinity"), p);
    }

    @Test
    void infInRewardIsLocated() {
        TaskTransitions tr = build((o, a, n, r) -> r[11] = Float.POSITIVE_INFINITY);
        String p = tr.firstProblem().orElseThrow();
        assertEquals("task 7 episode 1 step 8: reward is Infinity", p);
    }

    @Test
    void problemsInActionAndNextObservationAreLocated() {
        // Action has width 2: flat index 15 is row 7 (episode 1 step 2), column 1.
        String a = build((o, act, n, r) -> act[15] = Float.NaN).firstProblem().orElseThrow();
        assertEquals("task 7 episode 1 step 2: action[1] is NaN", a);
        // next_observation flat index 13 is row 4 (episode 0 step 4), column 1.
        String n = build((o, act, next, r) -> next[13] = Float.POSITIVE_INFINITY).firstProblem().orElseThrow();
        assertEquals("task 7 episode 0 step 4: next_observation[1] is Infinity", n);
    }

    @ParameterizedTest
    @ValueSource(strings = {"step", "observation", "action", "next_observation", "reward", "terminated", "truncated"})
    void inconsistentColumnLengthsThrow(String shortColumn) {
        int[] ep = EPISODE.clone();
        int[] st = "step".equals(shortColumn) ? new int[N - 1] : STEP.clone();
        float[] obs = new float[("observation".equals(shortColumn) ? N - 1 : N) * DS];
        float[] act = new float[N * DA + ("action".equals(shortColumn) ? 1 : 0)];
        float[] next = new float[N * DS - ("next_observation".equals(shortColumn) ? 1 : 0)];
        float[] rew = new float["reward".equals(shortColumn) ? N + 1 : N];
        boolean[] term = new boolean["terminated".equals(shortColumn) ? N - 1 : N];
        boolean[] trunc = new boolean["truncated".equals(shortColumn) ? 0 : N];
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new TaskTransitions(TASK, DS, DA, ep, st, obs, act, next, rew, term, trunc));
        assertTrue(e.getMessage().contains("task " + TASK), e.getMessage());
        assertTrue(e.getMessage().contains(N + " rows"), e.getMessage());
    }

    @Test
    void builderMatchesConstructorAndGrows() {
        TaskTransitions direct = clean();
        // Expected rows 1: the builder has to grow several times.
        TaskTransitions.Builder floats = new TaskTransitions.Builder(TASK, DS, DA, 1);
        TaskTransitions.Builder doubles = new TaskTransitions.Builder(TASK, DS, DA, 0);
        for (int i = 0; i < N; i++) {
            float[] o = java.util.Arrays.copyOfRange(direct.observation(), i * DS, (i + 1) * DS);
            float[] a = java.util.Arrays.copyOfRange(direct.action(), i * DA, (i + 1) * DA);
            float[] n = java.util.Arrays.copyOfRange(direct.nextObservation(), i * DS, (i + 1) * DS);
            boolean last = i == 4 || i == N - 1;
            floats.add(EPISODE[i], STEP[i], o, a, n, direct.reward()[i], false, last);
            doubles.add(EPISODE[i], STEP[i], toDouble(o), toDouble(a), toDouble(n), direct.reward()[i], i == 2, last);
        }
        assertEquals(N, floats.size());
        for (TaskTransitions.Builder b : List.of(floats, doubles)) {
            TaskTransitions built = b.build();
            assertEquals(TASK, built.taskId());
            assertArrayEquals(direct.episode(), built.episode());
            assertArrayEquals(direct.step(), built.step());
            assertArrayEquals(direct.observation(), built.observation(), 0f);
            assertArrayEquals(direct.action(), built.action(), 0f);
            assertArrayEquals(direct.nextObservation(), built.nextObservation(), 0f);
            assertArrayEquals(direct.reward(), built.reward(), 0f);
            assertArrayEquals(direct.runStarts(), built.runStarts());
            assertTrue(built.truncated()[4] && built.truncated()[N - 1] && !built.truncated()[5]);
        }
        assertTrue(doubles.build().terminated()[2]);
    }

    @Test
    void buildSortedPutsRowsInEpisodeStepOrderWhateverTheyArrivedIn() {
        TaskTransitions direct = clean();
        int[] arrival = new int[N];
        for (int i = 0; i < N; i++) {
            arrival[i] = (i * 7 + 3) % N; // a permutation of 0..N-1 (N and 7 coprime)
        }
        assertEquals(N, java.util.Arrays.stream(arrival).distinct().count(), "a permutation");
        TaskTransitions.Builder b = new TaskTransitions.Builder(TASK, DS, DA, 2);
        for (int i : arrival) {
            b.add(EPISODE[i], STEP[i], java.util.Arrays.copyOfRange(direct.observation(), i * DS, (i + 1) * DS),
                    java.util.Arrays.copyOfRange(direct.action(), i * DA, (i + 1) * DA),
                    java.util.Arrays.copyOfRange(direct.nextObservation(), i * DS, (i + 1) * DS), direct.reward()[i],
                    i == 2, i == N - 1);
        }
        TaskTransitions built = b.buildSorted();
        assertArrayEquals(direct.episode(), built.episode());
        assertArrayEquals(direct.step(), built.step());
        assertArrayEquals(direct.observation(), built.observation(), 0f);
        assertArrayEquals(direct.action(), built.action(), 0f);
        assertArrayEquals(direct.nextObservation(), built.nextObservation(), 0f);
        assertArrayEquals(direct.reward(), built.reward(), 0f);
        assertTrue(built.terminated()[2] && built.truncated()[N - 1] && !built.truncated()[0]);
        assertArrayEquals(direct.runStarts(), built.runStarts());
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
