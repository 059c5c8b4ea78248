package org.mbmrl.driver.ingest;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mbmrl.driver.UserError;

/**
 * Minari / Gymnasium HDF5, read with the pure-Java jHDF: every group {@code episode_N} (in
 * order of N) with datasets {@code observations} (T+1 rows), {@code actions}, {@code
 * rewards}, {@code terminations} and {@code truncations} (T rows each; names from the
 * mapping). The task of an episode is its attribute named by the mapping's {@code task}
 * (default {@code task_id}); when no episode has that default attribute, each episode is its
 * own task. Task parameters and a split column are episode attributes too.
 */
final class MinariReader implements SourceReader {
    private static final Pattern EPISODE = Pattern.compile("episode_(\\d+)");

    @Override
    public SourceData read(SourceFiles files, ImportMapping m) {
        List<SourceEpisode> out = new ArrayList<>();
        long rows = 0;
        for (SourceFiles.Entry f : files.files()) {
            String file = f.path().toString();
            try (HdfFile hdf = new HdfFile(f.path())) {
                Map<Long, Group> episodes = new java.util.TreeMap<>();
                for (Map.Entry<String, Node> e : hdf.getChildren().entrySet()) {
                    Matcher mt = EPISODE.matcher(e.getKey());
                    if (mt.matches() && e.getValue().isGroup()) {
                        episodes.put(Long.parseLong(mt.group(1)), (Group) e.getValue());
                    }
                }
                if (episodes.isEmpty()) {
                    throw new UserError(file + ": no episode_N groups (not a Minari/Gymnasium HDF5 file; it has "
                            + String.join(", ", hdf.getChildren().keySet()) + ")");
                }
                boolean perEpisodeTasks = m.task() == null
                        || m.taskOptional() && episodes.values().stream().allMatch(g -> g.getAttribute(m.task()) == null);
                for (Map.Entry<Long, Group> e : episodes.entrySet()) {
                    SourceEpisode ep = episode(file, e.getKey(), e.getValue(), m, perEpisodeTasks);
                    rows += ep.observations().length;
                    out.add(ep);
                }
            } catch (UserError e) {
                throw e;
            } catch (RuntimeException e) {
                throw new UserError(file + ": not readable as HDF5: " + e.getClass().getSimpleName() + ": "
                        + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
            }
        }
        return new SourceData(out, rows);
    }

    private static SourceEpisode episode(String file, long n, Group g, ImportMapping m, boolean perEpisodeTasks) {
        String name = "episode_" + n;
        String where = file + ": " + name;
        float[][] obs = matrix(g, m.observation(), where, "observation");
        float[][] act = matrix(g, m.action(), where, "action");
        int t = obs.length - 1;
        if (t < 0) {
            throw new UserError(where + ": '" + m.observation().get(0) + "' has no rows");
        }
        if (act.length != t) {
            throw new UserError(where + ": '" + String.join(", ", m.action()) + "' has " + act.length + " rows but '"
                    + String.join(", ", m.observation()) + "' has " + obs.length + " (expected T actions for T+1 observations)");
        }
        float[] rew = new float[t];
        if (m.reward() != null) {
            double[] r = flat(dataset(g, m.reward(), where, "reward"), where, m.reward());
            rows(r.length, t, where, m.reward());
            for (int i = 0; i < t; i++) {
                rew[i] = (float) r[i];
            }
        }
        boolean[] term = flags(g, m.terminated(), t, where, "terminated");
        boolean[] trunc = flags(g, m.truncated(), t, where, "truncated");
        int[] frames = new int[t + 1];
        for (int i = 0; i <= t; i++) {
            frames[i] = i;
        }
        String task = perEpisodeTasks ? Long.toString(n) : attributeKey(g, m.task(), where, "task");
        Map<String, Double> params = new LinkedHashMap<>();
        for (String p : m.params()) {
            params.put(p, FrameRows.number(attribute(g, p, where, "params"), where, "attribute " + p));
        }
        String split = m.split().kind() == SplitRule.Kind.COLUMN ? attributeKey(g, m.split().column(), where, "split.column")
                : null;
        return new SourceEpisode(file, name, task, frames, "step", obs, act, rew, term, trunc, params, split);
    }

    private static void rows(int got, int t, String where, String dataset) {
        if (got != t) {
            throw new UserError(where + ": '" + dataset + "' has " + got + " rows, expected " + t + " (one per action)");
        }
    }

    private static boolean[] flags(Group g, String name, int t, String where, String field) {
        boolean[] out = new boolean[t];
        if (name == null) {
            return out;
        }
        Object data = dataset(g, name, where, field).getData();
        List<Object> items = new ArrayList<>();
        flatten(data, items);
        rows(items.size(), t, where, name);
        for (int i = 0; i < t; i++) {
            out[i] = FrameRows.bool(items.get(i), where + " step " + i, name);
        }
        return out;
    }

    /** One 2-D dataset (rows x width; 1-D is width 1), or several 1-D datasets as the columns. */
    private static float[][] matrix(Group g, List<String> names, String where, String field) {
        if (names.size() == 1) {
            Dataset d = dataset(g, names.get(0), where, field);
            Object data = d.getData();
            int rows = Array.getLength(data);
            float[][] out = new float[rows][];
            for (int i = 0; i < rows; i++) {
                Object row = Array.get(data, i);
                if (row != null && row.getClass().isArray()) {
                    double[] v = flat(row, where, names.get(0));
                    out[i] = new float[v.length];
                    for (int j = 0; j < v.length; j++) {
                        out[i][j] = (float) v[j];
                    }
                } else {
                    out[i] = new float[] {(float) FrameRows.number(row, where, names.get(0))};
                }
            }
            return out;
        }
        double[][] cols = new double[names.size()][];
        for (int j = 0; j < cols.length; j++) {
            cols[j] = flat(dataset(g, names.get(j), where, field), where, names.get(j));
            if (cols[j].length != cols[0].length) {
                throw new UserError(where + ": '" + names.get(j) + "' has " + cols[j].length + " rows, '" + names.get(0)
                        + "' has " + cols[0].length);
            }
        }
        float[][] out = new float[cols[0].length][names.size()];
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < cols.length; j++) {
                out[i][j] = (float) cols[j][i];
            }
        }
        return out;
    }

    private static Dataset dataset(Group g, String name, String where, String field) {
        Node n = g.getChild(name);
        if (n == null || n.isGroup()) {
            throw new UserError(where + ": missing dataset '" + name + "' (mapping field " + field + "; the episode has "
                    + String.join(", ", g.getChildren().keySet()) + ")");
        }
        return (Dataset) n;
    }

    private static double[] flat(Dataset d, String where, String name) {
        return flat(d.getData(), where, name);
    }

    private static double[] flat(Object data, String where, String name) {
        List<Object> items = new ArrayList<>();
        flatten(data, items);
        double[] out = new double[items.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = FrameRows.number(items.get(i), where, name);
        }
        return out;
    }

    private static void flatten(Object data, List<Object> into) {
        if (data != null && data.getClass().isArray()) {
            int n = Array.getLength(data);
            for (int i = 0; i < n; i++) {
                flatten(Array.get(data, i), into);
            }
        } else {
            into.add(data);
        }
    }

    private static Object attribute(Group g, String name, String where, String field) {
        Attribute a = g.getAttribute(name);
        if (a == null) {
            throw new UserError(where + ": missing attribute '" + name + "' (mapping field " + field + "; the episode has "
                    + String.join(", ", g.getAttributes().keySet()) + ")");
        }
        Object v = a.getData();
        if (v != null && v.getClass().isArray()) {
            if (Array.getLength(v) != 1) {
                throw new UserError(where + ": attribute '" + name + "' has " + Array.getLength(v) + " values, expected one");
            }
            v = Array.get(v, 0);
        }
        return v;
    }

    private static String attributeKey(Group g, String name, String where, String field) {
        return FrameRows.key(attribute(g, name, where, field), where, "attribute " + name);
    }
}
