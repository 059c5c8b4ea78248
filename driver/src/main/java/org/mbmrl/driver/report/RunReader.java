package org.mbmrl.driver.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mbmrl.driver.UserError;
import org.mbmrl.driver.checkpoint.CheckpointStore;
import org.mbmrl.driver.checkpoint.Files;
import org.mbmrl.driver.control.ControlReport;
import org.mbmrl.driver.report.RunSummary.AdaptationResult;
import org.mbmrl.driver.report.RunSummary.ControlResult;
import org.mbmrl.driver.report.RunSummary.Provenance;
import org.mbmrl.driver.report.RunSummary.RecoveryCurve;
import org.mbmrl.driver.report.RunSummary.TrainingPoint;

/**
 * Reads a run directory into a {@link RunSummary} for {@code mbmrl report}: the metrics
 * table, the newest evaluation of each split, the newest control evaluation, and the newest
 * checkpoint's manifest. Only reads; a table the run does not have yet becomes a line in
 * {@link RunSummary#missing()}. A location that is not a run directory (absent, a file, no
 * {@code config.yaml}) is refused in one line before anything is read.
 */
public final class RunReader {
    static final String TRAINING = "training";
    static final String ADAPTATION = "adaptation";
    static final String CONTROL = "control";
    static final String RECOVERY = "recovery";
    static final String PROVENANCE = "provenance";

    private final SparkSession spark;
    private final FileSystem fs;
    private final Path runDir;
    private final String location;

    private RunReader(SparkSession spark, FileSystem fs, Path runDir, String location) {
        this.spark = spark;
        this.fs = fs;
        this.runDir = runDir;
        this.location = location;
    }

    /**
     * Checks that {@code location} is a run directory (it exists, is a directory and holds
     * the {@code config.yaml} that {@code mbmrl train} writes first); a {@link UserError}
     * naming it otherwise.
     */
    public static Path checkRunDirectory(SparkSession spark, String location) {
        Path dir = Files.path(location);
        FileSystem fs = Files.fs(dir, spark.sparkContext().hadoopConfiguration());
        try {
            if (!fs.exists(dir)) {
                throw new UserError("run directory does not exist: " + location);
            }
            if (!fs.getFileStatus(dir).isDirectory()) {
                throw new UserError("not a run directory (a file): " + location);
            }
            if (!fs.exists(new Path(dir, "config.yaml"))) {
                throw new UserError("not a run directory (no config.yaml, which mbmrl train writes first): " + location);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + location, e);
        }
        return dir;
    }

    /** Reads the run in {@code location} (checked by {@link #checkRunDirectory}) under the label {@code name}. */
    public static RunSummary read(SparkSession spark, String location, String name) {
        Path dir = checkRunDirectory(spark, location);
        FileSystem fs = Files.rawFs(dir, spark.sparkContext().hadoopConfiguration());
        return new RunReader(spark, fs, dir, location).summary(name);
    }

    private RunSummary summary(String name) {
        Map<String, String> missing = new LinkedHashMap<>();
        List<TrainingPoint> training = training(missing);
        List<AdaptationResult> adaptation = adaptation(missing);
        List<ControlResult> control = new ArrayList<>();
        List<RecoveryCurve> recovery = new ArrayList<>();
        control(control, recovery, missing);
        Provenance provenance = provenance(missing);
        return new RunSummary(name, runDir.toString().replaceAll("/+$", ""), provenance, training, adaptation, control, recovery, missing);
    }

    // --- training curves: RUN/metrics/upto=N/ ---

    private List<TrainingPoint> training(Map<String, String> missing) {
        Path metrics = new Path(runDir, "metrics");
        List<Path> parts = visibleChildren(metrics, "upto=");
        if (parts.isEmpty()) {
            missing.put(TRAINING, "no training metrics (" + metrics.getName()
                    + "/ has no upto= partition: they are written with each checkpoint)");
            return List.of();
        }
        // Partition discovery adds the upto column; a re-trained iteration (a resumed run) keeps the newest row.
        List<Row> rows = spark.read().parquet(metrics.toString())
                .selectExpr("iteration", "pre_loss", "post_loss", "tasks_per_second", "wall_seconds", "metrics", "upto")
                .collectAsList();
        Map<Integer, Row> byIteration = new TreeMap<>();
        for (Row r : rows) {
            int it = r.getInt(0);
            Row prev = byIteration.get(it);
            if (prev == null || ((Number) r.get(6)).longValue() > ((Number) prev.get(6)).longValue()) {
                byIteration.put(it, r);
            }
        }
        List<TrainingPoint> points = new ArrayList<>();
        for (Row r : byIteration.values()) {
            Map<String, Double> other = new TreeMap<>();
            if (!r.isNullAt(5)) {
                Map<String, Object> m = r.getJavaMap(5);
                m.forEach((k, v) -> {
                    if (!k.equals("pre_loss") && !k.equals("post_loss") && v != null) {
                        other.put(k, finite(((Number) v).doubleValue()));
                    }
                });
            }
            points.add(new TrainingPoint(r.getInt(0), finite(r.getDouble(1)), finite(r.getDouble(2)),
                    finite(r.getDouble(3)), finite(r.getDouble(4)), other));
        }
        return points;
    }

    // --- adaptation: RUN/eval/split=S/iteration=N/ ---

    private List<AdaptationResult> adaptation(Map<String, String> missing) {
        Path eval = new Path(runDir, "eval");
        List<AdaptationResult> results = new ArrayList<>();
        for (Path splitDir : visibleChildren(eval, "split=")) {
            String split = splitDir.getName().substring("split=".length());
            Path newest = newestIteration(splitDir);
            if (newest == null) {
                continue;
            }
            int iteration = iterationOf(newest);
            List<Row> rows = spark.read().parquet(newest.toString())
                    .selectExpr("algorithm", "nll_before", "nll_after", "mse_before", "mse_after").collectAsList();
            if (rows.isEmpty()) {
                continue;
            }
            double[] nb = column(rows, 1);
            double[] na = column(rows, 2);
            results.add(new AdaptationResult(split, iteration, rows.get(0).getString(0), rows.size(), finite(mean(nb)),
                    ci95(nb), finite(mean(na)), ci95(na), finite(mean(column(rows, 3))), finite(mean(column(rows, 4)))));
        }
        if (results.isEmpty()) {
            missing.put(ADAPTATION, "not evaluated (no eval/split=S/iteration=N/ table; mbmrl evaluate --run "
                    + location + " writes one)");
        }
        results.sort(Comparator.comparing(AdaptationResult::split));
        return results;
    }

    // --- control and recovery: RUN/eval/control/iteration=N/ ---

    private void control(List<ControlResult> control, List<RecoveryCurve> recovery, Map<String, String> missing) {
        Path dir = new Path(new Path(runDir, "eval"), "control");
        Path newest = newestIteration(dir);
        String evaluateControl = "mbmrl evaluate --run " + location + " --control";
        if (newest == null) {
            missing.put(CONTROL, "no control evaluation (no eval/control/iteration=N/ table; " + evaluateControl
                    + " writes one)");
            missing.put(RECOVERY, "no control evaluation, so no reward per step around the change");
            return;
        }
        int iteration = iterationOf(newest);
        var df = spark.read().parquet(newest.toString());
        boolean hasRewards = java.util.Arrays.asList(df.columns()).contains("rewards");
        List<Row> rows = df.selectExpr("split", "method", "algorithm", "adapter", "planner", "changed", "change_step",
                "`return`", "recovery_steps", "recovered", "adapt_ms", "plan_ms",
                hasRewards ? "rewards" : "cast(null as array<double>) as rewards").collectAsList();
        Map<String, List<Row>> groups = new TreeMap<>();
        for (Row r : rows) {
            groups.computeIfAbsent(r.getString(0) + "\u0000" + (r.getBoolean(5) ? 1 : 0) + "\u0000" + r.getString(1),
                    k -> new ArrayList<>()).add(r);
        }
        for (List<Row> g : groups.values()) {
            Row first = g.get(0);
            double[] returns = column(g, 7);
            double recoverySum = 0;
            int withChange = 0;
            int recovered = 0;
            for (Row r : g) {
                if (r.getInt(8) >= 0) {
                    recoverySum += r.getInt(8);
                    withChange++;
                    recovered += r.getBoolean(9) ? 1 : 0;
                }
            }
            double m = mean(returns);
            control.add(new ControlResult(first.getString(0), iteration, first.getBoolean(5), first.getString(1),
                    first.getString(2), first.getString(3), first.getString(4), g.size(), finite(m), finite(std(returns, m)),
                    ci95(returns), withChange == 0 ? null : recoverySum / withChange, recovered, withChange,
                    finite(mean(column(g, 10))), finite(mean(column(g, 11)))));
        }
        if (rows.isEmpty()) {
            missing.put(CONTROL, "the control table " + newest.getName() + " has no episodes");
        }
        if (!hasRewards) {
            missing.put(RECOVERY, "the control table eval/control/" + newest.getName()
                    + " has no rewards column (written before per-step rewards were recorded); " + evaluateControl
                    + " writes it again with them");
            return;
        }
        Map<String, List<Row>> changed = new TreeMap<>();
        for (Row r : rows) {
            if (r.getBoolean(5) && r.getInt(6) >= 0 && !r.isNullAt(12)) {
                changed.computeIfAbsent(r.getString(0) + "\u0000" + r.getString(1), k -> new ArrayList<>()).add(r);
            }
        }
        for (List<Row> g : changed.values()) {
            recovery.add(recoveryCurve(g, iteration));
        }
        if (recovery.isEmpty()) {
            missing.put(RECOVERY, "no control episode with a mid-episode change (control.change_step -1, or every"
                    + " episode ended before it)");
        }
    }

    private static RecoveryCurve recoveryCurve(List<Row> episodes, int iteration) {
        int before = 0;
        int after = 0;
        List<List<Double>> rewards = new ArrayList<>();
        int[] changeSteps = new int[episodes.size()];
        double recovery = 0;
        for (int e = 0; e < episodes.size(); e++) {
            Row r = episodes.get(e);
            List<Double> rw = r.getList(12);
            rewards.add(rw);
            changeSteps[e] = r.getInt(6);
            before = Math.max(before, changeSteps[e]);
            after = Math.max(after, rw.size() - changeSteps[e]);
            recovery += r.getInt(8);
        }
        List<Integer> offsets = new ArrayList<>();
        List<Double> mean = new ArrayList<>();
        List<Double> lower = new ArrayList<>();
        List<Double> upper = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (int off = -before; off < after; off++) {
            double[] values = new double[episodes.size()];
            int n = 0;
            for (int e = 0; e < episodes.size(); e++) {
                int step = changeSteps[e] + off;
                if (step >= 0 && step < rewards.get(e).size()) {
                    values[n++] = rewards.get(e).get(step);
                }
            }
            if (n == 0) {
                continue;
            }
            double[] v = java.util.Arrays.copyOf(values, n);
            double m = mean(v);
            Double ci = ci95(v);
            offsets.add(off);
            mean.add(finite(m));
            lower.add(finite(ci == null ? m : m - ci));
            upper.add(finite(ci == null ? m : m + ci));
            counts.add(n);
        }
        Row first = episodes.get(0);
        int change = changeSteps[0];
        for (int c : changeSteps) {
            change = c == change ? change : -1; // -1 in the summary when the episodes changed at different steps
        }
        return new RecoveryCurve(first.getString(0), iteration, first.getString(1), episodes.size(), change,
                recovery / episodes.size(), offsets, mean, lower, upper, counts);
    }

    // --- provenance: the newest checkpoint's manifest and RUN/config.yaml ---

    private Provenance provenance(Map<String, String> missing) {
        String configYaml;
        try {
            configYaml = Files.readString(fs, new Path(runDir, "config.yaml"));
        } catch (IOException e) {
            throw new UserError("run " + location + ": cannot read config.yaml (" + e.getMessage() + ")");
        }
        String algorithm = configValue(configYaml, "algorithm");
        CheckpointStore store = new CheckpointStore(runDir, spark.sparkContext().hadoopConfiguration());
        String name = store.latestName();
        if (name == null) {
            missing.put(PROVENANCE, "no checkpoint yet: the dataset fingerprint, seeds and model are recorded in each"
                    + " checkpoint's manifest.json");
            return new Provenance(algorithm, null, null, null, configValue(configYaml, "dataset"), null, null, null, null,
                    null, null, Map.of(), configYaml);
        }
        ObjectNode m = CheckpointStore.readManifest(fs, Files.child(store.directory(), name));
        JsonNode model = m.path("model");
        String modelLine = model.isMissingNode() ? null : model.path("type").asText() + ", " + model.path("observation_dim")
                + " obs + " + model.path("action_dim") + " act + " + model.path("context_dim") + " context -> hidden "
                + model.path("hidden") + " " + model.path("activation").asText() + ", " + model.path("parameters")
                + " parameters (" + model.path("dtype").asText() + ")";
        Map<String, String> files = new TreeMap<>();
        m.path("files").fields().forEachRemaining(e -> files.put(e.getKey(), e.getValue().asText()));
        JsonNode d = m.path("dataset");
        return new Provenance(m.path("algorithm").asText(algorithm), name, m.path("iteration").asInt(),
                m.path("created_by").asText(null), d.path("location").asText(null), d.path("fingerprint").asText(null),
                d.path("round").asInt(0), m.path("seeds").path("run").isMissingNode() ? null : m.path("seeds").path("run").asLong(),
                m.path("seeds").path("init").isMissingNode() ? null : m.path("seeds").path("init").asLong(), modelLine,
                m.path("optimizer").isMissingNode() ? null : m.path("optimizer").toString(), files, configYaml);
    }

    /** A top-level scalar of the config YAML (the run's config as written by train), or null. */
    private static String configValue(String yaml, String key) {
        try {
            JsonNode tree = new com.fasterxml.jackson.databind.ObjectMapper(
                    new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(yaml);
            JsonNode v = tree == null ? null : tree.get(key);
            return v == null || v.isNull() ? null : v.asText();
        } catch (IOException e) {
            return null;
        }
    }

    // --- helpers ---

    /** Children of {@code dir} named {@code prefix...} (not hidden: Spark's and mbmrl's temporaries start with . or _), sorted. */
    private List<Path> visibleChildren(Path dir, String prefix) {
        try {
            if (!fs.exists(dir)) {
                return List.of();
            }
            List<Path> out = new ArrayList<>();
            for (FileStatus s : fs.listStatus(dir)) {
                if (s.isDirectory() && s.getPath().getName().startsWith(prefix)) {
                    out.add(s.getPath());
                }
            }
            out.sort(Comparator.comparing(Path::getName));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** The {@code iteration=N} child of {@code dir} with the largest N, or null. */
    private Path newestIteration(Path dir) {
        Path best = null;
        for (Path p : visibleChildren(dir, "iteration=")) {
            try {
                if (best == null || iterationOf(p) > iterationOf(best)) {
                    best = p;
                }
            } catch (NumberFormatException e) {
                throw new UserError("run " + location + ": " + dir.getName() + "/" + p.getName()
                        + " is not an iteration=N table directory");
            }
        }
        return best;
    }

    private static int iterationOf(Path p) {
        return Integer.parseInt(p.getName().substring("iteration=".length()));
    }

    private static double[] column(List<Row> rows, int i) {
        double[] v = new double[rows.size()];
        for (int k = 0; k < v.length; k++) {
            v[k] = rows.get(k).getDouble(i);
        }
        return v;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    static double std(double[] v, double mean) {
        if (v.length < 2) {
            return Double.NaN;
        }
        double s = 0;
        for (double x : v) {
            s += (x - mean) * (x - mean);
        }
        return Math.sqrt(s / (v.length - 1));
    }

    /** The 95% confidence half-width of the mean of {@code v} (Student's t, as the control table's); null below two values. */
    static Double ci95(double[] v) {
        return finite(ControlReport.halfWidth95(std(v, mean(v)), v.length));
    }

    /** {@code x}, or null when it is NaN or infinite (JSON has no NaN). */
    static Double finite(double x) {
        return Double.isFinite(x) ? x : null;
    }
}
