package org.mbmrl.driver.ingest;

import java.util.Comparator;

/** The order of source episode and task keys: numerically when both are integers, else as text. */
final class Keys {
    private Keys() {}

    static final Comparator<String> ORDER = (a, b) -> {
        Long x = asLong(a);
        Long y = asLong(b);
        if (x != null && y != null) {
            return Long.compare(x, y);
        }
        if (x != null || y != null) {
            return x != null ? -1 : 1;
        }
        return a.compareTo(b);
    };

    private static Long asLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
