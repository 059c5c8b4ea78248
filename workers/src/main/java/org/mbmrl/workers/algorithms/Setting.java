package org.mbmrl.workers.algorithms;

/**
 * One key of an algorithm's config section: its name inside the section, its default (an
 * Integer, Double, Boolean, String, or null), what it means, and whether it is a meta-test
 * setting (online adaptation only: {@code evaluate --control} and {@code collect} may change it
 * with {@code --set} without retraining). The defaults are part of every run's effective config,
 * so a checkpoint says how it was made.
 */
public record Setting(String key, Object defaultValue, String description, boolean metaTest) {

    public Setting {
        if (key == null || key.isBlank() || key.contains(".")) {
            throw new IllegalArgumentException("a setting key is one plain name; got '" + key + "'");
        }
        if (defaultValue != null && !(defaultValue instanceof Integer || defaultValue instanceof Double
                || defaultValue instanceof Boolean || defaultValue instanceof String)) {
            throw new IllegalArgumentException("setting " + key + ": default must be an Integer, Double, Boolean, String or"
                    + " null; got " + defaultValue.getClass().getSimpleName());
        }
    }

    /** A meta-training setting. */
    public Setting(String key, Object defaultValue, String description) {
        this(key, defaultValue, description, false);
    }

    /** A meta-test (online adaptation) setting. */
    public static Setting online(String key, Object defaultValue, String description) {
        return new Setting(key, defaultValue, description, true);
    }
}
