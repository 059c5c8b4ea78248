package org.mbmrl.datasets;

import java.util.Arrays;
import java.util.Optional;

/**
 * All transitions of one task as columnar arrays (no object per transition): row {@code i}
 * is {@code (observation[i*ds..], action[i*da..], nextObservation[i*ds..], reward[i], ...)}.
 * Rows are episode-major and, within an episode, ordered by step, so a trajectory segment
 * is a contiguous range of rows.
 *
 * <p>The constructor checks only the internal invariants (consistent array lengths). Values
 * from files are checked by {@link #firstProblem}, which names the task, row and column of
 * the first bad value, so the reader can report it before any job starts.
 */
public final class TaskTransitions {
    private final long taskId;
    private final int observationDim;
    private final int actionDim;
    private final int[] episode;
    private final int[] step;
    private final float[] observation;
    private final float[] action;
    private final float[] nextObservation;
    private final float[] reward;
    private final boolean[] terminated;
    private final boolean[] truncated;
    private final int[] episodeStarts;

    public TaskTransitions(long taskId, int observationDim, int actionDim, int[] episode, int[] step,
            float[] observation, float[] action, float[] nextObservation, float[] reward,
            boolean[] terminated, boolean[] truncated) {
        int n = episode.length;
        if (step.length != n || reward.length != n || terminated.length != n || truncated.length != n
                || observation.length != n * observationDim || nextObservation.length != n * observationDim
                || action.length != n * actionDim) {
            throw new IllegalStateException("inconsistent column lengths for task " + taskId + " with " + n + " rows");
        }
        this.taskId = taskId;
        this.observationDim = observationDim;
        this.actionDim = actionDim;
        this.episode = episode;
        this.step = step;
        this.observation = observation;
        this.action = action;
        this.nextObservation = nextObservation;
        this.reward = reward;
        this.terminated = terminated;
        this.truncated = truncated;
        this.episodeStarts = computeEpisodeStarts(episode, step);
    }

    public long taskId() {
        return taskId;
    }

    public int observationDim() {
        return observationDim;
    }

    public int actionDim() {
        return actionDim;
    }

    /** Number of transitions. */
    public int size() {
        return episode.length;
    }

    public int[] episode() {
        return episode;
    }

    public int[] step() {
        return step;
    }

    public float[] observation() {
        return observation;
    }

    public float[] action() {
        return action;
    }

    public float[] nextObservation() {
        return nextObservation;
    }

    public float[] reward() {
        return reward;
    }

    public boolean[] terminated() {
        return terminated;
    }

    public boolean[] truncated() {
        return truncated;
    }

    /**
     * Row indices where a contiguous run begins: a new episode, or a gap in the step counter.
     * A trajectory segment never crosses one of these boundaries. The last entry is
     * {@link #size()}.
     */
    public int[] runStarts() {
        return episodeStarts.clone();
    }

    /** Length of the longest contiguous run of transitions (the longest usable segment). */
    public int longestRun() {
        int best = 0;
        for (int i = 0; i + 1 < episodeStarts.length; i++) {
            best = Math.max(best, episodeStarts[i + 1] - episodeStarts[i]);
        }
        return best;
    }

    /**
     * Number of segment start rows {@code t} such that rows {@code t .. t+length-1} lie in one
     * contiguous run; {@link #segmentStart(int, int)} enumerates them.
     */
    public int segmentCount(int length) {
        int count = 0;
        for (int i = 0; i + 1 < episodeStarts.length; i++) {
            count += Math.max(0, episodeStarts[i + 1] - episodeStarts[i] - length + 1);
        }
        return count;
    }

    /** The {@code index}-th valid segment start row for segments of {@code length} rows. */
    public int segmentStart(int index, int length) {
        int remaining = index;
        for (int i = 0; i + 1 < episodeStarts.length; i++) {
            int c = Math.max(0, episodeStarts[i + 1] - episodeStarts[i] - length + 1);
            if (remaining < c) {
                return episodeStarts[i] + remaining;
            }
            remaining -= c;
        }
        throw new IndexOutOfBoundsException("segment " + index + " of length " + length + " in task " + taskId);
    }

    /**
     * The first problem with this task's values, or empty: a non-finite number, or an
     * action or observation of the wrong length is caught earlier by the reader.
     */
    public Optional<String> firstProblem() {
        Optional<String> p = firstNonFinite("observation", observation, observationDim);
        if (p.isEmpty()) {
            p = firstNonFinite("action", action, actionDim);
        }
        if (p.isEmpty()) {
            p = firstNonFinite("next_observation", nextObservation, observationDim);
        }
        if (p.isEmpty()) {
            p = firstNonFinite("reward", reward, 1);
        }
        return p;
    }

    /**
     * The first break of the (episode, step) key of a stored dataset, rows sorted by it: a
     * negative episode, an episode that does not start at step 0, a step that repeats (a
     * duplicate transition) or jumps (a gap). Datasets on disk hold whole episodes; in memory
     * a task may still have gaps ({@link #runStarts}).
     */
    public Optional<String> firstKeyProblem() {
        for (int i = 0; i < episode.length; i++) {
            String where = "task " + taskId + " episode " + episode[i] + " step " + step[i] + ": ";
            boolean first = i == 0 || episode[i] != episode[i - 1];
            if (episode[i] < 0) {
                return Optional.of(where + "negative episode number");
            }
            if (first && step[i] != 0) {
                return Optional.of(where + "the episode starts at step " + step[i] + " (episodes start at step 0)");
            }
            if (!first && step[i] == step[i - 1]) {
                return Optional.of(where + "duplicate transition (the same task, episode and step twice)");
            }
            if (!first && step[i] != step[i - 1] + 1) {
                return Optional.of(where + "steps jump from " + step[i - 1] + " to " + step[i]
                        + " (an episode's steps run 0, 1, 2, ... without gaps)");
            }
        }
        return Optional.empty();
    }

    private Optional<String> firstNonFinite(String column, float[] values, int width) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                int row = i / width;
                String where = width == 1 ? column : column + "[" + (i % width) + "]";
                return Optional.of("task " + taskId + " episode " + episode[row] + " step " + step[row] + ": " + where
                        + " is " + values[i]);
            }
        }
        return Optional.empty();
    }

    private static int[] computeEpisodeStarts(int[] episode, int[] step) {
        int n = episode.length;
        int[] starts = new int[n + 1];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || episode[i] != episode[i - 1] || step[i] != step[i - 1] + 1) {
                starts[count++] = i;
            }
        }
        starts[count++] = n;
        return Arrays.copyOf(starts, count);
    }

    /** Appends rows one at a time (the generator and the reader). */
    public static final class Builder {
        private final long taskId;
        private final int ds;
        private final int da;
        private int n;
        private int[] episode;
        private int[] step;
        private float[] observation;
        private float[] action;
        private float[] nextObservation;
        private float[] reward;
        private boolean[] terminated;
        private boolean[] truncated;

        public Builder(long taskId, int observationDim, int actionDim, int expectedRows) {
            this.taskId = taskId;
            this.ds = observationDim;
            this.da = actionDim;
            int cap = Math.max(1, expectedRows);
            episode = new int[cap];
            step = new int[cap];
            observation = new float[cap * ds];
            action = new float[cap * da];
            nextObservation = new float[cap * ds];
            reward = new float[cap];
            terminated = new boolean[cap];
            truncated = new boolean[cap];
        }

        public void add(int ep, int t, double[] obs, double[] act, double[] next, double r, boolean term, boolean trunc) {
            ensure(n + 1);
            episode[n] = ep;
            step[n] = t;
            for (int j = 0; j < ds; j++) {
                observation[n * ds + j] = (float) obs[j];
                nextObservation[n * ds + j] = (float) next[j];
            }
            for (int j = 0; j < da; j++) {
                action[n * da + j] = (float) act[j];
            }
            reward[n] = (float) r;
            terminated[n] = term;
            truncated[n] = trunc;
            n++;
        }

        public void add(int ep, int t, float[] obs, float[] act, float[] next, float r, boolean term, boolean trunc) {
            ensure(n + 1);
            episode[n] = ep;
            step[n] = t;
            System.arraycopy(obs, 0, observation, n * ds, ds);
            System.arraycopy(next, 0, nextObservation, n * ds, ds);
            System.arraycopy(act, 0, action, n * da, da);
            reward[n] = r;
            terminated[n] = term;
            truncated[n] = trunc;
            n++;
        }

        public int size() {
            return n;
        }

        private void ensure(int rows) {
            if (rows <= episode.length) {
                return;
            }
            int cap = Math.max(rows, episode.length * 2);
            episode = Arrays.copyOf(episode, cap);
            step = Arrays.copyOf(step, cap);
            observation = Arrays.copyOf(observation, cap * ds);
            action = Arrays.copyOf(action, cap * da);
            nextObservation = Arrays.copyOf(nextObservation, cap * ds);
            reward = Arrays.copyOf(reward, cap);
            terminated = Arrays.copyOf(terminated, cap);
            truncated = Arrays.copyOf(truncated, cap);
        }

        /**
         * {@link #build()} with the rows first put in (episode, step) order (a stable sort, so
         * rows with the same key keep their order; such duplicates are a key problem anyway).
         */
        public TaskTransitions buildSorted() {
            boolean sorted = true;
            for (int i = 1; i < n && sorted; i++) {
                sorted = compareKeys(i - 1, i) <= 0;
            }
            if (!sorted) {
                Integer[] order = new Integer[n];
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                Arrays.sort(order, this::compareKeys);
                int[] e = new int[n];
                int[] t = new int[n];
                float[] o = new float[n * ds];
                float[] a = new float[n * da];
                float[] no = new float[n * ds];
                float[] r = new float[n];
                boolean[] te = new boolean[n];
                boolean[] tr = new boolean[n];
                for (int i = 0; i < n; i++) {
                    int src = order[i];
                    e[i] = episode[src];
                    t[i] = step[src];
                    System.arraycopy(observation, src * ds, o, i * ds, ds);
                    System.arraycopy(action, src * da, a, i * da, da);
                    System.arraycopy(nextObservation, src * ds, no, i * ds, ds);
                    r[i] = reward[src];
                    te[i] = terminated[src];
                    tr[i] = truncated[src];
                }
                return new TaskTransitions(taskId, ds, da, e, t, o, a, no, r, te, tr);
            }
            return build();
        }

        private int compareKeys(int i, int j) {
            int c = Integer.compare(episode[i], episode[j]);
            return c != 0 ? c : Integer.compare(step[i], step[j]);
        }

        public TaskTransitions build() {
            return new TaskTransitions(taskId, ds, da, Arrays.copyOf(episode, n), Arrays.copyOf(step, n),
                    Arrays.copyOf(observation, n * ds), Arrays.copyOf(action, n * da),
                    Arrays.copyOf(nextObservation, n * ds), Arrays.copyOf(reward, n),
                    Arrays.copyOf(terminated, n), Arrays.copyOf(truncated, n));
        }
    }
}
