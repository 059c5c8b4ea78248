package org.mbmrl.driver.ingest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.mbmrl.datasets.Split;
import org.mbmrl.datasets.family.TaskFamilies;
import org.mbmrl.datasets.family.TaskFamily;
import org.mbmrl.driver.UserError;
import org.mbmrl.driver.data.DatasetManifest;

/**
 * Checks every imported value before anything is written, and turns the episodes into tasks:
 * one observation and one action width throughout (a width that changes inside an episode is
 * named as such), frame numbers that run on by one (a repeat or a gap is named), finite
 * numbers, episodes of at least {@code --min-episode-length} transitions, task parameters and
 * split constant within a task, a registered family's dimensions and parameters. Then tasks
 * get their split and contiguous ids (train, test, ood; within a split in key order). Every
 * problem is one line naming the file, episode, frame and column.
 */
final class ImportValidator {
    private ImportValidator() {}

    /** A task as it will be written: its id, source key, split, parameters and episodes in order. */
    record ImportedTask(long taskId, String key, Split split, Map<String, Double> params, List<SourceEpisode> episodes) {}

    /** The checked import: dimensions, parameter names and the tasks in id order. */
    record Checked(int observationDim, int actionDim, List<String> parameterNames, List<ImportedTask> tasks) {
        long transitions() {
            return tasks.stream().flatMap(t -> t.episodes().stream()).mapToLong(SourceEpisode::transitions).sum();
        }
    }

    static Checked check(List<SourceEpisode> episodes, ImportMapping m, int minLength) {
        if (episodes.isEmpty()) {
            throw new UserError("the source has no episodes");
        }
        SourceEpisode first = episodes.get(0);
        int ds = first.observations()[0].length;
        int da = first.actions().length == 0 ? 0 : first.actions()[0].length;
        if (ds < 1 || da < 1) {
            throw new UserError(first.where(0) + ": the observation has " + ds + " and the action " + da
                    + " values (both need at least one)");
        }
        for (SourceEpisode e : episodes) {
            widths(e, e.observations(), e.observations().length, ds, "observation", m.observation(), first);
            widths(e, e.actions(), e.transitions(), da, "action", m.action(), first);
            frames(e, m);
            finite(e, m);
            if (e.transitions() < minLength) {
                throw new UserError(e.where() + ": " + e.transitions() + " transitions"
                        + (e.frameWord().equals("frame") ? " (" + e.observations().length + " frames; the last has no successor)"
                                : "")
                        + ", fewer than --min-episode-length " + minLength
                        + " (M + K: adapt.past + adapt.future); lower it or drop the episode");
            }
        }
        Map<String, List<SourceEpisode>> byTask = new LinkedHashMap<>();
        for (SourceEpisode e : episodes) {
            List<SourceEpisode> list = byTask.computeIfAbsent(e.task(), k -> new ArrayList<>());
            if (!list.isEmpty()) {
                SourceEpisode a = list.get(0);
                if (!a.params().equals(e.params())) {
                    throw new UserError(e.where() + ": task " + e.task() + " parameters " + e.params() + " differ from "
                            + a.where() + "'s " + a.params() + " (task parameters are constant within a task)");
                }
                if (!java.util.Objects.equals(a.split(), e.split())) {
                    throw new UserError(e.where() + ": task " + e.task() + " split '" + e.split() + "' differs from "
                            + a.where() + "'s '" + a.split() + "'");
                }
            }
            list.add(e);
        }
        List<String> parameterNames = checkFamily(m, ds, da);
        Map<String, Split> splits = splits(byTask, m.split(), first.file());
        List<ImportedTask> tasks = new ArrayList<>();
        long id = 0;
        for (Split s : List.of(Split.TRAIN, Split.TEST, Split.OOD)) {
            List<String> keys = new ArrayList<>();
            splits.forEach((k, v) -> {
                if (v == s) {
                    keys.add(k);
                }
            });
            keys.sort(Keys.ORDER);
            for (String k : keys) {
                List<SourceEpisode> eps = byTask.get(k);
                tasks.add(new ImportedTask(id++, k, s, eps.get(0).params(), eps));
            }
        }
        return new Checked(ds, da, parameterNames, tasks);
    }

    private static void widths(SourceEpisode e, float[][] rows, int count, int width, String field, List<String> columns,
            SourceEpisode first) {
        String name = "'" + String.join(", ", columns) + "'";
        for (int i = 0; i < count; i++) {
            if (rows[i].length == width) {
                continue;
            }
            if (i > 0 && rows[0].length != rows[i].length) {
                throw new UserError(e.where(i) + ": " + field + " " + name + " has " + rows[i].length + " values, the episode's "
                        + e.frameWord() + " " + e.frames()[0] + " has " + rows[0].length
                        + " (the width changes inside the episode)");
            }
            throw new UserError(e.where(i) + ": " + field + " " + name + " has " + rows[i].length + " values, but "
                    + first.where(0) + " has " + width + " (one width for the whole dataset)");
        }
    }

    private static void frames(SourceEpisode e, ImportMapping m) {
        String column = m.step() == null ? "" : " (column '" + m.step() + "')";
        int[] f = e.frames();
        for (int i = 1; i < f.length; i++) {
            if (f[i] == f[i - 1]) {
                throw new UserError(e.where(i) + ": " + e.frameWord() + " " + f[i] + " repeats" + column
                        + " (one row per frame)");
            }
            if (f[i] != f[i - 1] + 1) {
                throw new UserError(e.where(i) + ": " + e.frameWord() + "s jump from " + f[i - 1] + " to " + f[i] + column
                        + " (a gap: frames run on by one)");
            }
        }
    }

    private static void finite(SourceEpisode e, ImportMapping m) {
        for (int i = 0; i < e.observations().length; i++) {
            float[] o = e.observations()[i];
            for (int j = 0; j < o.length; j++) {
                if (!Float.isFinite(o[j])) {
                    throw new UserError(e.where(i) + ": column '" + m.observationLabel(j) + "' is " + o[j]);
                }
            }
        }
        for (int i = 0; i < e.actions().length; i++) {
            float[] a = e.actions()[i];
            for (int j = 0; j < a.length; j++) {
                if (!Float.isFinite(a[j])) {
                    throw new UserError(e.where(Math.min(i, e.frames().length - 1)) + ": column '" + m.actionLabel(j)
                            + "' is " + a[j]);
                }
            }
        }
        for (int i = 0; i < e.transitions(); i++) {
            if (!Float.isFinite(e.rewards()[i])) {
                throw new UserError(e.where(i) + ": column '" + m.reward() + "' is " + e.rewards()[i]);
            }
        }
        for (Map.Entry<String, Double> p : e.params().entrySet()) {
            if (!Double.isFinite(p.getValue())) {
                throw new UserError(e.where() + ": task parameter '" + p.getKey() + "' is " + p.getValue());
            }
        }
    }

    /**
     * A registered family must match the data's dimensions and get its parameters from the
     * mapping; the dataset's parameter names: the family's, or the mapped columns for external.
     */
    private static List<String> checkFamily(ImportMapping m, int ds, int da) {
        if (m.family().equals(DatasetManifest.EXTERNAL)) {
            return m.params();
        }
        TaskFamily f;
        try {
            f = TaskFamilies.byName(m.family());
        } catch (IllegalArgumentException e) {
            throw new UserError("mapping family: " + e.getMessage() + " (or family: " + DatasetManifest.EXTERNAL
                    + " for data without a simulator)");
        }
        if (f.observationDim() != ds || f.actionDim() != da) {
            throw new UserError("mapping family " + f.name() + ": the data has observation width " + ds + " and action width "
                    + da + ", the family " + f.observationDim() + " and " + f.actionDim());
        }
        if (!m.params().containsAll(f.parameterNames())) {
            throw new UserError("mapping family " + f.name() + ": params must name the family's parameters "
                    + f.parameterNames() + " (got " + m.params() + "), so control can simulate its tasks");
        }
        return f.parameterNames();
    }

    private static Map<String, Split> splits(Map<String, List<SourceEpisode>> byTask, SplitRule rule, String file) {
        List<String> keys = new ArrayList<>(byTask.keySet());
        keys.sort(Keys.ORDER);
        Map<String, Split> out = new LinkedHashMap<>();
        switch (rule.kind()) {
            case COLUMN -> {
                for (String k : keys) {
                    SourceEpisode e = byTask.get(k).get(0);
                    try {
                        out.put(k, Split.parse(e.split()));
                    } catch (IllegalArgumentException ex) {
                        throw new UserError(e.where() + ": column '" + rule.column() + "': " + ex.getMessage());
                    }
                }
            }
            case LISTS -> {
                for (String t : rule.testTasks()) {
                    if (!byTask.containsKey(t)) {
                        throw new UserError("mapping split.test: task '" + t + "' is not in " + file);
                    }
                }
                for (String t : rule.oodTasks()) {
                    if (!byTask.containsKey(t)) {
                        throw new UserError("mapping split.ood: task '" + t + "' is not in " + file);
                    }
                }
                for (String k : keys) {
                    out.put(k, rule.testTasks().contains(k) ? Split.TEST : rule.oodTasks().contains(k) ? Split.OOD : Split.TRAIN);
                }
            }
            case RANDOM -> {
                int n = keys.size();
                int test = count(n, rule.testFraction());
                int ood = count(n, rule.oodFraction());
                if (test + ood >= n) {
                    throw new UserError(file + ": " + n + " tasks are too few for split test " + rule.testFraction() + ", ood "
                            + rule.oodFraction() + " (" + test + " test + " + ood + " ood leave no train task)");
                }
                List<String> shuffled = new ArrayList<>(keys);
                Collections.shuffle(shuffled, new Random(rule.seed()));
                for (int i = 0; i < n; i++) {
                    out.put(shuffled.get(i), i < test ? Split.TEST : i < test + ood ? Split.OOD : Split.TRAIN);
                }
            }
        }
        if (!out.containsValue(Split.TRAIN)) {
            throw new UserError(file + ": the split leaves no train task");
        }
        return out;
    }

    /** Tasks for a fraction: rounded, at least one when the fraction is positive. */
    private static int count(int n, double fraction) {
        return fraction <= 0 ? 0 : Math.max(1, (int) Math.round(n * fraction));
    }
}
