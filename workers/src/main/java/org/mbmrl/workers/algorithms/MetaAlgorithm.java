package org.mbmrl.workers.algorithms;

import java.util.List;

/**
 * The registration of a meta-learning algorithm (see {@link Algorithms}): its name, the survey
 * method it implements, its config section (keys, defaults, meanings) and how to bind that
 * section, validated once, into an {@link Algorithm}. Adding an algorithm is its own files plus
 * one line in {@link Algorithms}.
 */
public interface MetaAlgorithm {

    /** The {@code algorithm} value in configs. */
    String name();

    /** One line: what it is, with the survey section and equations. */
    String summary();

    /** Name of its config section; {@code null} when it has none. */
    default String sectionName() {
        return settings().isEmpty() ? null : name();
    }

    /** The keys of its section with their defaults; empty for none. */
    default List<Setting> settings() {
        return List.of();
    }

    /**
     * The algorithm with its settings: {@code section} holds its own section's values (every key
     * of {@link #settings()}), {@code common} the shared ones. Bad values are
     * {@link IllegalArgumentException}s naming the key and the value.
     */
    Algorithm bind(Section section, CommonSettings common);
}
