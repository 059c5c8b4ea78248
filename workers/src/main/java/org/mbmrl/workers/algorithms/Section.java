package org.mbmrl.workers.algorithms;

/**
 * The values of one config section (e.g. {@code famle:}), read by an algorithm's registration
 * when it binds its settings. Each reader throws {@link IllegalArgumentException} naming the
 * full key ({@code famle.embedding_dim}) when the value has the wrong type; the algorithm then
 * checks ranges with messages of its own that name the key and the value.
 */
public interface Section {

    /** The section's name, e.g. {@code famle}. */
    String name();

    int integer(String key);

    double number(String key);

    boolean bool(String key);

    /** Whether {@code key}'s value is null (a setting whose null default means "derived from another"). */
    boolean isNull(String key);

    /** The full name of {@code key} in this section, for messages: {@code famle.embedding_dim}. */
    default String key(String key) {
        return name() + "." + key;
    }

    /** {@code value} if it is >= 1, else an error naming the key. */
    default int positive(String key) {
        int v = integer(key);
        if (v < 1) {
            throw new IllegalArgumentException(key(key) + " must be >= 1; got " + v);
        }
        return v;
    }

    /** A finite number >= 0 (a step size, a weight), else an error naming the key. */
    default double nonNegative(String key) {
        double v = number(key);
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(key(key) + " must be a finite number >= 0; got " + v);
        }
        return v;
    }

    /** A finite number > 0, else an error naming the key. */
    default double positiveNumber(String key) {
        double v = number(key);
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(key(key) + " must be a finite number > 0; got " + v);
        }
        return v;
    }

    /** A number in (0, 1], else an error naming the key. */
    default double fraction(String key) {
        double v = number(key);
        if (!(v > 0 && v <= 1)) {
            throw new IllegalArgumentException(key(key) + " must be in (0, 1]; got " + v);
        }
        return v;
    }
}
