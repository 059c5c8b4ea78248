package org.mbmrl.driver.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.mbmrl.datasets.family.TaskFamilies;
import org.mbmrl.datasets.family.TaskFamily;
import org.mbmrl.datasets.family.TaskRanges;
import org.mbmrl.driver.UserError;
import org.mbmrl.driver.config.ConfigLoader;

/**
 * Task distributions as YAML or JSON: the file {@code mbmrl generate --tasks} reads and the
 * {@code task_ranges} object of {@code dataset.json}.
 *
 * <pre>
 * family: pendulum          # optional; must agree with --family when both are given
 * nominal:                  # train and test tasks
 *   mass: [0.5, 1.5]        # [lo, hi]; a single number fixes the parameter
 * ood:
 *   mass: [2.0, 3.0]
 * change:                   # the mid-episode change
 *   payload: 1.0
 * </pre>
 *
 * Every key not given keeps the family's default; an unknown section or key, a malformed
 * range, or a value the family cannot simulate (a negative mass, a gain outside [0, 1]) is a
 * caller error naming the file, the key and the value.
 */
public final class TaskRangesJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TaskRangesJson() {}

    /** A task-distribution file resolved against a family: the family and its ranges. */
    public record Resolved(TaskFamily family, TaskRanges ranges) {}

    /** The canonical tree of {@code ranges} (sections and keys sorted). */
    public static ObjectNode toTree(TaskRanges ranges) {
        ObjectNode root = NODES.objectNode();
        root.set(TaskRanges.NOMINAL, rangesTree(ranges.nominal()));
        root.set(TaskRanges.OOD, rangesTree(ranges.ood()));
        ObjectNode change = root.putObject(TaskRanges.CHANGE);
        ranges.change().forEach(change::put);
        return root;
    }

    private static ObjectNode rangesTree(Map<String, TaskRanges.Range> ranges) {
        ObjectNode node = NODES.objectNode();
        ranges.forEach((k, r) -> node.putArray(k).add(r.lo()).add(r.hi()));
        return node;
    }

    /**
     * The ranges of {@code tree} for {@code family}: the family's defaults with the tree's keys
     * replacing theirs. {@code where} names the source in messages.
     */
    public static TaskRanges fromTree(JsonNode tree, TaskFamily family, String where) {
        if (tree == null || tree.isNull() || tree.isMissingNode()) {
            return family.defaultRanges();
        }
        if (!tree.isObject()) {
            throw new IllegalArgumentException(where + ": a task distribution is a mapping with sections "
                    + TaskRanges.NOMINAL + ", " + TaskRanges.OOD + ", " + TaskRanges.CHANGE);
        }
        TaskRanges defaults = family.defaultRanges();
        SortedMap<String, TaskRanges.Range> nominal = new TreeMap<>(defaults.nominal());
        SortedMap<String, TaskRanges.Range> ood = new TreeMap<>(defaults.ood());
        SortedMap<String, Double> change = new TreeMap<>(defaults.change());
        Iterator<Map.Entry<String, JsonNode>> sections = tree.fields();
        while (sections.hasNext()) {
            Map.Entry<String, JsonNode> s = sections.next();
            switch (s.getKey()) {
                case "family" -> {
                    if (!s.getValue().asText().equals(family.name())) {
                        throw new IllegalArgumentException(where + ": family is '" + s.getValue().asText() + "', not "
                                + family.name());
                    }
                }
                case TaskRanges.NOMINAL -> readRanges(s.getValue(), nominal, where, TaskRanges.NOMINAL, family);
                case TaskRanges.OOD -> readRanges(s.getValue(), ood, where, TaskRanges.OOD, family);
                case TaskRanges.CHANGE -> readChange(s.getValue(), change, where, family);
                default -> throw new IllegalArgumentException(where + ": unknown section '" + s.getKey() + "'; known: family, "
                        + TaskRanges.NOMINAL + ", " + TaskRanges.OOD + ", " + TaskRanges.CHANGE);
            }
        }
        TaskRanges ranges = new TaskRanges(nominal, ood, change);
        try {
            family.withRanges(ranges);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        return ranges;
    }

    private static void readRanges(JsonNode node, SortedMap<String, TaskRanges.Range> into, String where, String section,
            TaskFamily family) {
        Iterator<Map.Entry<String, JsonNode>> it = mapping(node, where, section).fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = section + "." + e.getKey();
            if (!into.containsKey(e.getKey())) {
                throw new IllegalArgumentException(where + ": unknown key '" + key + "' (" + family.name() + " draws "
                        + String.join(", ", into.keySet()) + ")");
            }
            into.put(e.getKey(), range(e.getValue(), where, key));
        }
    }

    private static void readChange(JsonNode node, SortedMap<String, Double> into, String where, TaskFamily family) {
        Iterator<Map.Entry<String, JsonNode>> it = mapping(node, where, TaskRanges.CHANGE).fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = TaskRanges.CHANGE + "." + e.getKey();
            if (!into.containsKey(e.getKey())) {
                throw new IllegalArgumentException(where + ": unknown key '" + key + "' (" + family.name() + "'s change takes "
                        + String.join(", ", into.keySet()) + ")");
            }
            if (!e.getValue().isNumber() || !Double.isFinite(e.getValue().doubleValue())) {
                throw new IllegalArgumentException(where + ": " + key + " must be a finite number; got " + e.getValue());
            }
            into.put(e.getKey(), e.getValue().doubleValue());
        }
    }

    private static JsonNode mapping(JsonNode node, String where, String section) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + ": section '" + section + "' must be a mapping of keys to values; got "
                    + node);
        }
        return node;
    }

    private static TaskRanges.Range range(JsonNode v, String where, String key) {
        if (v.isNumber() && Double.isFinite(v.doubleValue())) {
            return new TaskRanges.Range(v.doubleValue(), v.doubleValue());
        }
        if (v.isArray() && v.size() == 2 && v.get(0).isNumber() && v.get(1).isNumber()) {
            double lo = v.get(0).doubleValue();
            double hi = v.get(1).doubleValue();
            if (Double.isFinite(lo) && Double.isFinite(hi) && lo <= hi) {
                return new TaskRanges.Range(lo, hi);
            }
        }
        throw new IllegalArgumentException(where + ": " + key + " must be [lo, hi] with finite lo <= hi, or one number; got "
                + v);
    }

    /**
     * Reads {@code file} (may be null) with {@code --set section.key=value} overrides for the
     * family named by {@code --family} (may be null: the file's {@code family}, else pendulum).
     * Caller errors are {@link UserError}s naming the file or the override.
     */
    public static Resolved load(Path file, List<String> overrides, String familyOption) {
        ObjectNode tree = NODES.objectNode();
        String source = file == null ? "--set" : file.toString();
        if (file != null) {
            JsonNode user = ConfigLoader.readYaml(file, "task distribution file");
            if (user != null && !user.isNull() && !user.isMissingNode()) {
                if (!user.isObject()) {
                    throw new UserError("task distribution file " + file + " must be a mapping with sections "
                            + TaskRanges.NOMINAL + ", " + TaskRanges.OOD + ", " + TaskRanges.CHANGE);
                }
                tree = (ObjectNode) user;
            }
        }
        String fromFile = tree.hasNonNull("family") ? tree.get("family").asText() : null;
        if (familyOption != null && fromFile != null && !familyOption.equals(fromFile)) {
            throw new UserError("--family " + familyOption + " disagrees with family: " + fromFile + " in " + file);
        }
        String name = familyOption != null ? familyOption : fromFile != null ? fromFile : "pendulum";
        TaskFamily family;
        try {
            family = TaskFamilies.byName(name);
        } catch (IllegalArgumentException e) {
            throw new UserError((fromFile != null && familyOption == null ? file + ": " : "--family: ") + e.getMessage());
        }
        List<String> sets = overrides == null ? List.of() : overrides;
        for (String o : sets) {
            applyOverride(tree, o);
        }
        if (!sets.isEmpty()) {
            source = source + (file == null ? "" : " with --set");
        }
        try {
            return new Resolved(family, fromTree(tree, family, source));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    private static void applyOverride(ObjectNode tree, String assignment) {
        int eq = assignment.indexOf('=');
        String key = eq > 0 ? assignment.substring(0, eq).trim() : "";
        String[] path = key.split("\\.");
        if (eq <= 0 || path.length != 2) {
            throw new UserError("--set takes section.key=value (for example ood.mass=[2.0,3.0] or change.payload=0.5); got '"
                    + assignment + "'");
        }
        JsonNode value;
        try {
            value = ConfigLoader.YAML.readTree(assignment.substring(eq + 1));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UserError("--set " + key + ": cannot parse value '" + assignment.substring(eq + 1) + "'");
        }
        JsonNode section = tree.get(path[0]);
        ObjectNode target = section instanceof ObjectNode o ? o : tree.putObject(path[0]);
        target.set(path[1], value == null || value.isMissingNode() ? NODES.nullNode() : value);
    }
}
