package org.mbmrl.driver.ingest;

import java.util.List;

/**
 * How imported tasks are split into train, test and ood: by a {@code column} (or, for
 * Minari, an episode attribute) whose values are {@code train}, {@code test} or {@code ood};
 * by explicit task lists ({@code test}, {@code ood}; every other task trains); or by a seeded
 * random draw of fractions of the tasks. Checked at construction; messages name the field.
 */
public record SplitRule(Kind kind, String column, List<String> testTasks, List<String> oodTasks, long seed,
        double testFraction, double oodFraction) {

    /** Which of the three rules. */
    public enum Kind { COLUMN, LISTS, RANDOM }

    /** The rule when the mapping names none: seed 1, 20 % test, 20 % ood. */
    public static final SplitRule DEFAULT = random(1, 0.2, 0.2);

    public SplitRule {
        if (kind == null) {
            throw new IllegalArgumentException("split: no rule given");
        }
        testTasks = testTasks == null ? List.of() : List.copyOf(testTasks);
        oodTasks = oodTasks == null ? List.of() : List.copyOf(oodTasks);
        switch (kind) {
            case COLUMN -> {
                if (column == null || column.isBlank()) {
                    throw new IllegalArgumentException("split.column must name a column; got '" + column + "'");
                }
            }
            case LISTS -> {
                for (String t : testTasks) {
                    if (oodTasks.contains(t)) {
                        throw new IllegalArgumentException("split: task '" + t + "' is in both split.test and split.ood");
                    }
                }
                if (testTasks.size() != testTasks.stream().distinct().count()
                        || oodTasks.size() != oodTasks.stream().distinct().count()) {
                    throw new IllegalArgumentException("split: a task is listed twice in split.test or split.ood");
                }
            }
            case RANDOM -> {
                if (!(testFraction >= 0 && testFraction < 1)) {
                    throw new IllegalArgumentException("split.test must be a fraction in [0, 1); got " + testFraction);
                }
                if (!(oodFraction >= 0 && oodFraction < 1)) {
                    throw new IllegalArgumentException("split.ood must be a fraction in [0, 1); got " + oodFraction);
                }
                if (testFraction + oodFraction >= 1) {
                    throw new IllegalArgumentException("split.test + split.ood must be < 1 (some tasks must train); got "
                            + testFraction + " + " + oodFraction);
                }
            }
        }
    }

    public static SplitRule column(String column) {
        return new SplitRule(Kind.COLUMN, column, null, null, 0, 0, 0);
    }

    public static SplitRule lists(List<String> test, List<String> ood) {
        return new SplitRule(Kind.LISTS, null, test, ood, 0, 0, 0);
    }

    public static SplitRule random(long seed, double test, double ood) {
        return new SplitRule(Kind.RANDOM, null, null, null, seed, test, ood);
    }
}
