package org.mbmrl.workers.algorithms;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link Section} over plain values (Integer, Long, Double, Boolean, String, null), as a
 * config file gives them; every key of the section must be present. {@link #defaults} is an
 * algorithm's section with its declared defaults (benchmarks, tests).
 */
public final class MapSection implements Section {
    private final String name;
    private final Map<String, Object> values;

    public MapSection(String name, Map<String, Object> values) {
        this.name = name;
        this.values = new LinkedHashMap<>(values);
    }

    /** The section of {@code algorithm} holding its defaults, with {@code overrides} (key: value) on top. */
    public static MapSection defaults(MetaAlgorithm algorithm, Object... overrides) {
        Map<String, Object> v = new LinkedHashMap<>();
        for (Setting s : algorithm.settings()) {
            v.put(s.key(), s.defaultValue());
        }
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            v.put((String) overrides[i], overrides[i + 1]);
        }
        return new MapSection(algorithm.sectionName() == null ? algorithm.name() : algorithm.sectionName(), v);
    }

    @Override
    public String name() {
        return name;
    }

    private Object value(String key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException(key(key) + " is missing");
        }
        return values.get(key);
    }

    @Override
    public int integer(String key) {
        Object v = value(key);
        if ((v instanceof Integer || v instanceof Long) && ((Number) v).longValue() == ((Number) v).intValue()) {
            return ((Number) v).intValue();
        }
        throw new IllegalArgumentException(key(key) + " must be an integer; got " + v);
    }

    @Override
    public double number(String key) {
        Object v = value(key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException(key(key) + " must be a number; got " + v);
    }

    @Override
    public boolean isNull(String key) {
        return value(key) == null;
    }

    @Override
    public boolean bool(String key) {
        Object v = value(key);
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException(key(key) + " must be true or false; got " + v);
    }
}
