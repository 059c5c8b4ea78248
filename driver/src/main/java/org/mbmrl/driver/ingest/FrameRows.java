package org.mbmrl.driver.ingest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.mbmrl.driver.UserError;

/**
 * Frame tables (LeRobot, generic Parquet, CSV): turns each source row into a {@link Frame}
 * with the mapped columns' values, and groups frames into {@link SourceEpisode}s (episodes
 * in key order, frames by frame number). Values are taken as the readers give them: numbers,
 * booleans, strings (CSV) or lists (Parquet list columns, or {@code [a, b]} in a CSV cell).
 * A missing or unreadable value is one line naming the file, row, column and value.
 */
final class FrameRows {
    private FrameRows() {}

    /** One source row, its mapped values read. */
    record Frame(String file, String row, String episode, long frame, String task, float[] observation, float[] action,
            float reward, boolean terminated, boolean truncated, Map<String, Double> params, String split) {}

    /** The source columns a frame table must have under {@code m}, each with the mapping field naming it. */
    static Map<String, String> requiredColumns(ImportMapping m) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put(m.episode(), "episode");
        c.put(m.step(), "step");
        if (m.task() != null) {
            c.put(m.task(), "task");
        }
        m.observation().forEach(o -> c.put(o, "observation"));
        m.action().forEach(a -> c.put(a, "action"));
        if (m.reward() != null) {
            c.put(m.reward(), "reward");
        }
        if (m.terminated() != null) {
            c.put(m.terminated(), "terminated");
        }
        if (m.truncated() != null) {
            c.put(m.truncated(), "truncated");
        }
        m.params().forEach(p -> c.put(p, "params"));
        if (m.split().kind() == SplitRule.Kind.COLUMN) {
            c.put(m.split().column(), "split.column");
        }
        return c;
    }

    /** A missing mapped column: one line naming the file, the column, the mapping field and what the file has. */
    static void checkColumns(String file, ImportMapping m, List<String> present) {
        for (Map.Entry<String, String> e : requiredColumns(m).entrySet()) {
            if (!present.contains(e.getKey())) {
                throw new UserError(file + ": missing column '" + e.getKey() + "' (mapping field " + e.getValue()
                        + "; the file has " + String.join(", ", present) + ")");
            }
        }
    }

    /** Reads one row; {@code value} gives a column's value, {@code row} names the row for messages. */
    static Frame frame(ImportMapping m, String file, String row, Function<String, Object> value) {
        String at = file + ": " + row;
        String episode = key(value.apply(m.episode()), at, m.episode());
        long frame = integer(value.apply(m.step()), at, m.step());
        String where = file + ": episode " + episode + " frame " + frame + " (" + row + ")";
        String task = m.task() == null ? episode : key(value.apply(m.task()), where, m.task());
        float[] obs = vector(m.observation(), value, where);
        float[] act = vector(m.action(), value, where);
        float reward = m.reward() == null ? 0f : (float) number(value.apply(m.reward()), where, m.reward());
        boolean term = m.terminated() != null && bool(value.apply(m.terminated()), where, m.terminated());
        boolean trunc = m.truncated() != null && bool(value.apply(m.truncated()), where, m.truncated());
        Map<String, Double> params = new LinkedHashMap<>();
        for (String p : m.params()) {
            params.put(p, number(value.apply(p), where, p));
        }
        String split = m.split().kind() == SplitRule.Kind.COLUMN
                ? key(value.apply(m.split().column()), where, m.split().column()) : null;
        return new Frame(file, row, episode, frame, task, obs, act, reward, term, trunc, params, split);
    }

    /**
     * Groups frames into episodes: episodes in key order (numeric when every key is an
     * integer), frames sorted by frame number; the task, parameters and split must not change
     * inside an episode.
     */
    static List<SourceEpisode> episodes(List<Frame> frames, ImportMapping m) {
        Map<String, List<Frame>> byEpisode = new LinkedHashMap<>();
        for (Frame f : frames) {
            byEpisode.computeIfAbsent(f.episode(), k -> new ArrayList<>()).add(f);
        }
        List<String> keys = new ArrayList<>(byEpisode.keySet());
        keys.sort(Keys.ORDER);
        List<SourceEpisode> out = new ArrayList<>();
        for (String k : keys) {
            List<Frame> fs = byEpisode.get(k);
            fs.sort(Comparator.comparingLong(Frame::frame));
            Frame first = fs.get(0);
            int n = fs.size();
            int[] numbers = new int[n];
            float[][] obs = new float[n][];
            float[][] act = new float[n][];
            float[] rew = new float[n];
            boolean[] term = new boolean[n];
            boolean[] trunc = new boolean[n];
            for (int i = 0; i < n; i++) {
                Frame f = fs.get(i);
                String where = f.file() + ": episode " + k + " frame " + f.frame() + " (" + f.row() + ")";
                if (!f.task().equals(first.task())) {
                    throw new UserError(where + ": column '" + m.task() + "' changes inside the episode (" + first.task()
                            + " then " + f.task() + "); an episode belongs to one task");
                }
                if (!f.params().equals(first.params())) {
                    throw new UserError(where + ": a task parameter column (" + String.join(", ", m.params())
                            + ") changes inside the episode (" + first.params() + " then " + f.params() + ")");
                }
                if (!Objects.equals(f.split(), first.split())) {
                    throw new UserError(where + ": column '" + m.split().column() + "' changes inside the episode ("
                            + first.split() + " then " + f.split() + ")");
                }
                if (f.frame() < Integer.MIN_VALUE || f.frame() > Integer.MAX_VALUE) {
                    throw new UserError(where + ": column '" + m.step() + "' is out of range (" + f.frame() + ")");
                }
                numbers[i] = (int) f.frame();
                obs[i] = f.observation();
                act[i] = f.action();
                rew[i] = f.reward();
                term[i] = f.terminated();
                trunc[i] = f.truncated();
            }
            out.add(new SourceEpisode(first.file(), k, first.task(), numbers, "frame", obs, act, rew, term, trunc,
                    first.params(), first.split()));
        }
        return out;
    }

    private static float[] vector(List<String> columns, Function<String, Object> value, String where) {
        if (columns.size() == 1) {
            Object v = value.apply(columns.get(0));
            if (v instanceof List<?> || v instanceof String s && s.strip().startsWith("[")) {
                List<?> items = v instanceof List<?> l ? l : splitList((String) v);
                float[] out = new float[items.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) number(items.get(i), where, columns.get(0) + "[" + i + "]");
                }
                return out;
            }
        }
        float[] out = new float[columns.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) number(value.apply(columns.get(i)), where, columns.get(i));
        }
        return out;
    }

    private static List<String> splitList(String s) {
        String t = s.strip();
        if (!t.endsWith("]")) {
            return List.of(t);
        }
        t = t.substring(1, t.length() - 1).strip();
        return t.isEmpty() ? List.of() : List.of(t.split("\\s*,\\s*"));
    }

    static double number(Object v, String where, String column) {
        if (v == null) {
            throw new UserError(where + ": column '" + column + "' is null");
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        String s = v.toString().strip();
        switch (s.toLowerCase(Locale.ROOT)) {
            case "nan" -> {
                return Double.NaN;
            }
            case "inf", "+inf", "infinity", "+infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "" -> throw new UserError(where + ": column '" + column + "' is empty");
            default -> {
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new UserError(where + ": column '" + column + "' is '" + s + "', not a number");
                }
            }
        }
    }

    private static long integer(Object v, String where, String column) {
        double d = number(v, where, column);
        if (d != Math.rint(d) || Math.abs(d) > 1e15) {
            throw new UserError(where + ": column '" + column + "' is " + v + ", not an integer");
        }
        return (long) d;
    }

    static boolean bool(Object v, String where, String column) {
        if (v == null) {
            throw new UserError(where + ": column '" + column + "' is null");
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            if (n.doubleValue() == 0 || n.doubleValue() == 1) {
                return n.doubleValue() == 1;
            }
        } else {
            switch (v.toString().strip().toLowerCase(Locale.ROOT)) {
                case "true", "1", "1.0", "t", "yes" -> {
                    return true;
                }
                case "false", "0", "0.0", "f", "no" -> {
                    return false;
                }
                default -> { }
            }
        }
        throw new UserError(where + ": column '" + column + "' is '" + v + "', not a boolean (true/false, 1/0)");
    }

    /** An episode or task key: integral numbers without a fraction, everything else as text. */
    static String key(Object v, String where, String column) {
        if (v == null) {
            throw new UserError(where + ": column '" + column + "' is null");
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : n.toString();
        }
        String s = v.toString().strip();
        if (s.isEmpty()) {
            throw new UserError(where + ": column '" + column + "' is empty");
        }
        return s;
    }
}
