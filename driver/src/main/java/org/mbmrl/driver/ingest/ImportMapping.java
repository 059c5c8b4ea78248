package org.mbmrl.driver.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mbmrl.driver.UserError;
import org.mbmrl.driver.config.ConfigLoader;
import org.mbmrl.driver.data.DatasetManifest;

/**
 * Which source columns (or, for Minari, datasets and episode attributes) make up the
 * project's transitions: the observation (one list column or several scalar columns), the
 * action, the episode and step (frame) columns, the task, optional reward / terminated /
 * truncated, the task parameter columns, the split rule, and the task family ({@code
 * external} unless a registered family is named). Each format has defaults; a mapping YAML
 * overrides them field by field. Checked at construction: no column may be named twice.
 *
 * @param task null: every episode is its own task
 * @param taskOptional whether the task column may be absent (then every episode is its own task)
 */
public record ImportMapping(String family, String episode, String step, String task, boolean taskOptional,
        List<String> observation, List<String> action, String reward, String terminated, String truncated,
        List<String> params, SplitRule split) {

    /** The keys a mapping YAML may set. */
    public static final Set<String> KEYS = Set.of("family", "episode", "step", "task", "observation", "action", "reward",
            "terminated", "truncated", "params", "split");

    public ImportMapping {
        family = family == null || family.isBlank() ? DatasetManifest.EXTERNAL : family.strip();
        if (observation == null || observation.isEmpty()) {
            throw new IllegalArgumentException("mapping: observation must name a list column or scalar columns");
        }
        if (action == null || action.isEmpty()) {
            throw new IllegalArgumentException("mapping: action must name a list column or scalar columns");
        }
        observation = List.copyOf(observation);
        action = List.copyOf(action);
        params = params == null ? List.of() : List.copyOf(params);
        split = split == null ? SplitRule.DEFAULT : split;
        Map<String, String> seen = new LinkedHashMap<>();
        named(seen, "episode", episode);
        named(seen, "step", step);
        named(seen, "task", task);
        observation.forEach(c -> named(seen, "observation", c));
        action.forEach(c -> named(seen, "action", c));
        named(seen, "reward", reward);
        named(seen, "terminated", terminated);
        named(seen, "truncated", truncated);
        params.forEach(c -> named(seen, "params", c));
        if (split.kind() == SplitRule.Kind.COLUMN) {
            named(seen, "split.column", split.column());
        }
    }

    private static void named(Map<String, String> seen, String field, String column) {
        if (column == null) {
            return;
        }
        if (column.isBlank()) {
            throw new IllegalArgumentException("mapping: " + field + " is an empty column name");
        }
        String before = seen.putIfAbsent(column, field);
        if (before != null) {
            throw new IllegalArgumentException("mapping: column '" + column + "' is named twice (" + before + " and "
                    + field + ")");
        }
    }

    /** Whether the observation is one list column (else scalar columns, one per dimension). */
    public boolean observationIsList() {
        return observation.size() == 1;
    }

    /** The name of observation element {@code j}: {@code col[j]} of a list column, else its scalar column. */
    public String observationLabel(int j) {
        return observation.size() == 1 ? observation.get(0) + "[" + j + "]" : observation.get(j);
    }

    /** The name of action element {@code j}. */
    public String actionLabel(int j) {
        return action.size() == 1 ? action.get(0) + "[" + j + "]" : action.get(j);
    }

    /** The format's built-in mapping (what a mapping file overrides). */
    public static ImportMapping defaults(ImportFormat format) {
        return switch (format) {
            case LEROBOT -> new ImportMapping(null, "episode_index", "frame_index", "task_index", false,
                    List.of("observation.state"), List.of("action"), "next.reward", "next.done", null, List.of(), null);
            case MINARI -> new ImportMapping(null, null, null, "task_id", true, List.of("observations"),
                    List.of("actions"), "rewards", "terminations", "truncations", List.of(), null);
            // Placeholders: a parquet or csv import must name observation and action (load checks).
            case PARQUET, CSV -> new ImportMapping(null, "episode", "step", null, false, List.of("observation"),
                    List.of("action"), null, null, null, List.of(), null);
        };
    }

    /**
     * The format's defaults overridden by {@code file} (may be null for lerobot and minari);
     * a problem is one line naming the file and field.
     */
    public static ImportMapping load(ImportFormat format, Path file) {
        ImportMapping d = defaults(format);
        if (file == null) {
            if (format == ImportFormat.PARQUET || format == ImportFormat.CSV) {
                throw new UserError("--format " + format.label() + " needs --mapping FILE.yaml (which columns are the"
                        + " observation, action, episode and step)");
            }
            return d;
        }
        String where = "mapping " + file;
        JsonNode tree;
        try {
            if (!Files.isRegularFile(file)) {
                throw new UserError(where + ": no such file");
            }
            tree = ConfigLoader.YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserError(where + " is not valid YAML: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        if (tree == null || !tree.isObject()) {
            throw new UserError(where + ": expected a YAML mapping of keys (" + String.join(", ", KEYS.stream().sorted().toList())
                    + ")");
        }
        for (Iterator<String> it = tree.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new UserError(where + ": unknown key '" + k + "' (known: " + String.join(", ", KEYS.stream().sorted().toList())
                        + ")");
            }
        }
        boolean generic = format == ImportFormat.PARQUET || format == ImportFormat.CSV;
        if (generic) {
            for (String required : List.of("observation", "action", "episode", "step")) {
                if (!tree.hasNonNull(required)) {
                    throw new UserError(where + ": " + required + " is required for --format " + format.label());
                }
            }
        }
        try {
            return new ImportMapping(text(tree, "family", where, d.family()), text(tree, "episode", where, d.episode()),
                    text(tree, "step", where, d.step()), text(tree, "task", where, d.task()),
                    !tree.has("task") && d.taskOptional(),
                    columns(tree, "observation", where, d.observation()), columns(tree, "action", where, d.action()),
                    text(tree, "reward", where, d.reward()), text(tree, "terminated", where, d.terminated()),
                    text(tree, "truncated", where, d.truncated()), columns(tree, "params", where, d.params()),
                    tree.has("split") ? split(tree.get("split"), where) : d.split());
        } catch (IllegalArgumentException e) {
            throw new UserError(where + ": " + e.getMessage());
        }
    }

    private static String text(JsonNode tree, String key, String where, String fallback) {
        if (!tree.has(key)) {
            return fallback;
        }
        JsonNode v = tree.get(key);
        if (v.isNull()) {
            return null;
        }
        if (!v.isValueNode()) {
            throw new UserError(where + ": " + key + " must be a column name; got " + v);
        }
        return v.asText();
    }

    private static List<String> columns(JsonNode tree, String key, String where, List<String> fallback) {
        if (!tree.has(key)) {
            return fallback;
        }
        JsonNode v = tree.get(key);
        if (v.isNull()) {
            return List.of();
        }
        if (v.isValueNode()) {
            return List.of(v.asText());
        }
        if (!v.isArray()) {
            throw new UserError(where + ": " + key + " must be a column name or a list of column names; got " + v);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isValueNode() || e.isNull()) {
                throw new UserError(where + ": " + key + " must list column names; got " + e);
            }
            out.add(e.asText());
        }
        return out;
    }

    private static SplitRule split(JsonNode s, String where) {
        if (!s.isObject()) {
            throw new UserError(where + ": split must be {column: NAME}, {test: [tasks], ood: [tasks]} or"
                    + " {seed: N, test: FRACTION, ood: FRACTION}; got " + s);
        }
        for (Iterator<String> it = s.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!Set.of("column", "seed", "test", "ood").contains(k)) {
                throw new UserError(where + ": unknown key 'split." + k + "' (known: column, seed, test, ood)");
            }
        }
        if (s.has("column")) {
            if (s.size() != 1) {
                throw new UserError(where + ": split.column takes no other split keys");
            }
            return SplitRule.column(s.get("column").asText());
        }
        if (s.has("seed")) {
            if (!s.get("seed").canConvertToLong() || !s.get("seed").isIntegralNumber()) {
                throw new UserError(where + ": split.seed must be an integer; got " + s.get("seed"));
            }
            return SplitRule.random(s.get("seed").asLong(), fraction(s, "test", where), fraction(s, "ood", where));
        }
        return SplitRule.lists(taskList(s, "test", where), taskList(s, "ood", where));
    }

    private static double fraction(JsonNode s, String key, String where) {
        if (!s.has(key)) {
            return 0;
        }
        if (!s.get(key).isNumber()) {
            throw new UserError(where + ": split." + key + " must be a fraction (with split.seed); got " + s.get(key));
        }
        return s.get(key).asDouble();
    }

    private static List<String> taskList(JsonNode s, String key, String where) {
        if (!s.has(key)) {
            return List.of();
        }
        JsonNode v = s.get(key);
        if (!v.isArray()) {
            throw new UserError(where + ": split." + key + " must be a list of tasks (or give split.seed for fractions); got " + v);
        }
        List<String> out = new ArrayList<>();
        v.forEach(e -> out.add(e.asText()));
        return out;
    }

    /** This mapping as the provenance records it. */
    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("family", family);
        o.put("episode", episode);
        o.put("step", step);
        o.put("task", task);
        o.set("observation", f.arrayNode().addAll(observation.stream().map(f::textNode).toList()));
        o.set("action", f.arrayNode().addAll(action.stream().map(f::textNode).toList()));
        o.put("reward", reward);
        o.put("terminated", terminated);
        o.put("truncated", truncated);
        o.set("params", f.arrayNode().addAll(params.stream().map(f::textNode).toList()));
        ObjectNode s = o.putObject("split");
        switch (split.kind()) {
            case COLUMN -> s.put("column", split.column());
            case LISTS -> {
                s.set("test", f.arrayNode().addAll(split.testTasks().stream().map(f::textNode).toList()));
                s.set("ood", f.arrayNode().addAll(split.oodTasks().stream().map(f::textNode).toList()));
            }
            case RANDOM -> {
                s.put("seed", split.seed());
                s.put("test", split.testFraction());
                s.put("ood", split.oodFraction());
            }
        }
        return o;
    }
}
