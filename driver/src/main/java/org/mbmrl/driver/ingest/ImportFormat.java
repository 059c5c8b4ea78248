package org.mbmrl.driver.ingest;

import java.util.Arrays;
import java.util.Locale;

/**
 * The outside layouts {@code mbmrl import} reads: LeRobot-style Parquet, Minari/Gymnasium
 * HDF5, and any Parquet or CSV table with a column mapping. The name is the {@code --format}
 * value and what the dataset's provenance records.
 */
public enum ImportFormat {
    /** One row per frame: episode_index, frame_index, observation.state, action, next.reward, next.done. */
    LEROBOT("lerobot"),
    /** HDF5 groups episode_N with observations (T+1), actions, rewards, terminations, truncations (T). */
    MINARI("minari"),
    /** One row per frame, columns named by the mapping. */
    PARQUET("parquet"),
    /** One row per frame, columns named by the mapping; a header line names the columns. */
    CSV("csv");

    private final String label;

    ImportFormat(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Whether rows are frames (the next observation is the following frame's) rather than episode arrays. */
    public boolean frameTable() {
        return this != MINARI;
    }

    /** Parses a {@code --format} value; the error names the value and the choices. */
    public static ImportFormat parse(String s) {
        for (ImportFormat f : values()) {
            if (f.label.equals(s == null ? null : s.strip().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("--format '" + s + "' is not one of "
                + Arrays.stream(values()).map(ImportFormat::label).toList());
    }
}
