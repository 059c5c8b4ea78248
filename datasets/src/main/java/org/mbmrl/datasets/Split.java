package org.mbmrl.datasets;

import java.util.Locale;

/**
 * The three splits of a task distribution: {@code train} and {@code test} draw dynamics
 * parameters from one range, {@code ood} (out of distribution) from outside it.
 */
public enum Split {
    TRAIN, TEST, OOD;

    /** The name used in files and on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code train}, {@code test} or {@code ood}; anything else is a caller error. */
    public static Split parse(String label) {
        for (Split s : values()) {
            if (s.label().equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("split must be one of train, test, ood; got '" + label + "'");
    }
}
