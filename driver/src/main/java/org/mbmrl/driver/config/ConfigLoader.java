package org.mbmrl.driver.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.mbmrl.driver.UserError;
import org.mbmrl.workers.algorithms.Algorithms;
import org.mbmrl.workers.algorithms.MapSection;
import org.mbmrl.workers.algorithms.MetaAlgorithm;
import org.mbmrl.workers.algorithms.Section;
import org.mbmrl.workers.algorithms.Setting;
import org.mbmrl.workers.model.Loss;

/**
 * Reads a run config: the built-in defaults, then the user's YAML file merged onto them,
 * then {@code --set key=value} overrides (values parsed as YAML scalars or lists). A key
 * that the defaults do not have is rejected by name, so a typo never passes silently.
 * YAML is read as data only: no tags, no object construction.
 */
public final class ConfigLoader {
    /** Keys whose {@code --set} value is a path, taken verbatim. */
    static final java.util.Set<String> PATH_KEYS = java.util.Set.of("dataset", "run_dir");

    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private ConfigLoader() {}

    /** The default tree (a fresh copy): the shared sections, then each registered algorithm's own. */
    public static ObjectNode defaults() {
        ObjectNode tree;
        try (InputStream in = ConfigLoader.class.getResourceAsStream("defaults.yaml")) {
            tree = (ObjectNode) YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read built-in defaults.yaml", e);
        }
        for (MetaAlgorithm a : Algorithms.all()) {
            if (a.sectionName() == null) {
                continue;
            }
            ObjectNode section = tree.putObject(a.sectionName());
            for (Setting s : a.settings()) {
                section.set(s.key(), YAML.valueToTree(s.defaultValue()));
            }
        }
        return tree;
    }

    /**
     * The values of {@code algorithm}'s section in the merged tree {@code tree}, for its
     * {@link MetaAlgorithm#bind}: numbers as Integer, Long or Double, as YAML gave them.
     */
    public static Section section(JsonNode tree, MetaAlgorithm algorithm) {
        String name = algorithm.sectionName();
        Map<String, Object> values = new java.util.LinkedHashMap<>();
        if (name != null) {
            Iterator<Map.Entry<String, JsonNode>> it = tree.path(name).fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                Object value;
                if (v.isIntegralNumber()) {
                    value = v.canConvertToInt() ? (Object) v.intValue() : (Object) v.longValue();
                } else if (v.isNumber()) {
                    value = v.doubleValue();
                } else if (v.isBoolean()) {
                    value = v.booleanValue();
                } else if (v.isNull()) {
                    value = null;
                } else {
                    value = v.asText();
                }
                values.put(e.getKey(), value);
            }
        }
        return new MapSection(name == null ? algorithm.name() : name, values);
    }

    /** Loads {@code file} (may be null: defaults only) and applies {@code overrides}. */
    public static RunConfig load(Path file, List<String> overrides) {
        ObjectNode tree = defaults();
        if (file != null) {
            JsonNode user = readYaml(file, "config file");
            if (user != null && !user.isMissingNode() && !user.isNull()) {
                if (!user.isObject()) {
                    throw new UserError("config file " + file + " must be a mapping of keys to values");
                }
                merge(tree, (ObjectNode) user, "", file.toString());
            }
        }
        for (String o : overrides) {
            applyOverride(tree, o);
        }
        try {
            return RunConfig.fromTree(tree);
        } catch (IllegalArgumentException e) {
            throw new UserError("config: " + e.getMessage(), e);
        }
    }

    /**
     * The YAML tree of {@code file} (null when empty); a missing, unreadable or malformed file is
     * a caller error naming it ({@code what}: "config file"), with the line and column of a
     * syntax error.
     */
    public static JsonNode readYaml(Path file, String what) {
        if (Files.isDirectory(file)) {
            throw new UserError(what + " " + file + " is a directory, not a YAML file");
        }
        if (!Files.isRegularFile(file)) {
            throw new UserError(what + " does not exist: " + file);
        }
        try {
            return YAML.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new UserError(what + " " + file + " is not valid YAML" + yamlProblem(e));
        } catch (IOException e) {
            throw new UserError(what + " " + file + " cannot be read: " + firstLine(e.getMessage()));
        }
    }

    /** Binds a tree saved earlier (a checkpoint's provenance), checked against the defaults. */
    public static RunConfig fromSavedTree(JsonNode saved, String source) {
        ObjectNode tree = defaults();
        if (saved.path("adapt").isObject() && !saved.path("adapt").has("loss")) {
            // Saved before adapt.loss existed: that inner loop stepped on the NLL.
            saved = saved.deepCopy();
            ((ObjectNode) saved.path("adapt")).put("loss", Loss.NLL.configName());
        }
        merge(tree, (ObjectNode) saved, "", source);
        return RunConfig.fromTree(tree);
    }

    /**
     * {@code config} with {@code --set} overrides applied, only to keys under one of
     * {@code allowedPrefixes} (a section, e.g. {@code control.}, or a whole key); any other key is a
     * caller error.
     */
    public static RunConfig withOverrides(RunConfig config, List<String> overrides, List<String> allowedPrefixes) {
        if (overrides == null || overrides.isEmpty()) {
            return config;
        }
        ObjectNode tree = defaults();
        merge(tree, (ObjectNode) config.tree(), "", "the run's config");
        for (String o : overrides) {
            String key = o.indexOf('=') > 0 ? o.substring(0, o.indexOf('=')).trim() : o;
            if (allowedPrefixes.stream().noneMatch(key::startsWith)) {
                throw new UserError("--set " + key + ": only " + String.join(", ", allowedPrefixes.stream()
                        .map(p -> p.endsWith(".") ? p + "*" : p).toList()) + " can be changed here (the rest is the"
                        + " checkpoint's)");
            }
            applyOverride(tree, o);
        }
        try {
            return RunConfig.fromTree(tree);
        } catch (IllegalArgumentException e) {
            throw new UserError("config: " + e.getMessage(), e);
        }
    }

    private static void merge(ObjectNode target, ObjectNode source, String prefix, String origin) {
        Iterator<Map.Entry<String, JsonNode>> it = source.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix + e.getKey();
            JsonNode known = target.get(e.getKey());
            if (known == null) {
                throw new UserError("unknown config key '" + key + "' in " + origin + "; known keys here: "
                        + String.join(", ", fieldNames(target)));
            }
            if (known.isObject()) {
                if (!e.getValue().isObject()) {
                    throw new UserError("config key '" + key + "' in " + origin + " must be a mapping; got " + e.getValue());
                }
                merge((ObjectNode) known, (ObjectNode) e.getValue(), key + ".", origin);
            } else {
                target.set(e.getKey(), e.getValue());
            }
        }
    }

    private static void applyOverride(ObjectNode tree, String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new UserError("--set takes key=value; got '" + assignment + "'");
        }
        String key = assignment.substring(0, eq).trim();
        String raw = assignment.substring(eq + 1);
        String[] path = key.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode child = node.get(path[i]);
            if (child == null || !child.isObject()) {
                throw new UserError("unknown config key '" + key + "' in --set");
            }
            node = (ObjectNode) child;
        }
        String leaf = path[path.length - 1];
        JsonNode known = node.get(leaf);
        if (known == null || known.isObject()) {
            throw new UserError("unknown config key '" + key + "' in --set" + (known != null ? " (it is a section)" : ""));
        }
        JsonNode value;
        try {
            // A path is text as the shell gave it: YAML would read " #..." as a comment, "[a]" as a list.
            value = raw.isEmpty() || PATH_KEYS.contains(key) ? YAML.getNodeFactory().textNode(raw) : YAML.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new UserError("--set " + key + ": cannot parse value '" + raw + "'");
        }
        if (value == null || value.isMissingNode()) {
            value = YAML.getNodeFactory().textNode(raw);
        }
        node.set(leaf, value);
    }

    private static List<String> fieldNames(ObjectNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The tree as YAML text (for {@code config.yaml}). */
    public static String toYaml(JsonNode tree) {
        try {
            return YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The first key whose value differs between two trees, ignoring {@code ignored} keys, as
     * "key: a vs b"; null when equal.
     */
    public static String firstDifference(JsonNode a, JsonNode b, String prefix, List<String> ignored) {
        if (a.isObject() && b.isObject()) {
            java.util.TreeSet<String> keys = new java.util.TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                String key = prefix.isEmpty() ? k : prefix + "." + k;
                if (ignored.contains(key)) {
                    continue;
                }
                JsonNode x = a.path(k);
                JsonNode y = b.path(k);
                String d = firstDifference(x, y, key, ignored);
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        boolean same = a.isNumber() && b.isNumber() ? a.doubleValue() == b.doubleValue() : a.equals(b);
        return same ? null : prefix + ": " + a + " vs " + b;
    }

    /** Where and what: " at line L, column C: problem", a tab named as such (YAML indents with spaces). */
    private static String yamlProblem(JsonProcessingException e) {
        com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
        String what = firstLine(e.getOriginalMessage());
        Throwable cause = e.getCause();
        String all = what + (cause == null ? "" : " " + cause.getMessage());
        if (all.contains("\\t") || all.contains("\t")) {
            what = "a tab character (YAML indents with spaces, never tabs)";
        }
        String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        if (cause instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblemMark() != null) {
            // SnakeYAML's mark is where the problem is; Jackson's location is where its parser stood.
            where = " at line " + (m.getProblemMark().getLine() + 1) + ", column " + (m.getProblemMark().getColumn() + 1);
        }
        return where + ": " + what;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
