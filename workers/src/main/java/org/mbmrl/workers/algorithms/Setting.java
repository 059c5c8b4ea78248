package org.mbmrl.workers.algorithms;

/**
 * One key of an algorithm's config section: its name inside the section, its default (an
 * Integer, Double, Boolean, String, or null) and what it means. The defaults are part of every
 * run's effective config, so a checkpoint says how it was made.
 */
public record Setting(String key, Object defaultValue, String description) {
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
}
