package org.mbmrl.datasets.family;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.mbmrl.datasets.Split;

/**
 * A family's task distribution as settings: the range each of its sampling keys is drawn
 * from for the {@code nominal} splits ({@code train} and {@code test}) and for {@code ood},
 * and the size of its mid-episode {@code change}. Every family has defaults
 * ({@link TaskFamily#defaultRanges()}); {@code mbmrl generate --tasks FILE.yaml} replaces some
 * of them. The sampling keys are usually the family's parameter names; a family whose
 * parameters are drawn by a structured rule names the rule's settings instead (the reacher's
 * {@code damaged_joints}, {@code gain}, {@code damaged_gain}).
 *
 * <p>A range with {@code lo == hi} fixes the value: the parameter does not vary.
 */
public record TaskRanges(SortedMap<String, Range> nominal, SortedMap<String, Range> ood, SortedMap<String, Double> change)
        implements Serializable {

    /** The sections of a task-distribution file, in order. */
    public static final String NOMINAL = "nominal";
    public static final String OOD = "ood";
    public static final String CHANGE = "change";

    /** A closed interval [lo, hi] of finite values. */
    public record Range(double lo, double hi) implements Serializable {
        public Range {
            if (!Double.isFinite(lo) || !Double.isFinite(hi) || lo > hi) {
                throw new IllegalArgumentException("a range is [lo, hi] with finite lo <= hi; got [" + lo + ", " + hi + "]");
            }
        }

        /** A uniform draw from [lo, hi), one draw from {@code rng} whatever the width. */
        public double draw(SplittableRandom rng) {
            return FamilyMath.uniform(rng, lo, hi);
        }

        /**
         * A uniform integer in [lo, hi]; no draw from {@code rng} when the range is one value
         * (so that fixing a count does not shift the draws that follow).
         */
        public int drawInt(SplittableRandom rng) {
            int a = (int) lo;
            int b = (int) hi;
            return a == b ? a : a + rng.nextInt(b - a + 1);
        }

        @Override
        public String toString() {
            return "[" + lo + ", " + hi + "]";
        }
    }

    /**
     * What a family accepts for one key: values in an interval (open or closed at each end),
     * integers only for counts; {@code what} says what the key is ("a mass in kg") for messages.
     */
    public record Bound(String what, double min, boolean minOpen, double max, boolean maxOpen, boolean integer)
            implements Serializable {

        public static Bound atLeast(double min, String what) {
            return new Bound(what, min, false, Double.POSITIVE_INFINITY, true, false);
        }

        public static Bound above(double min, String what) {
            return new Bound(what, min, true, Double.POSITIVE_INFINITY, true, false);
        }

        public static Bound within(double min, double max, String what) {
            return new Bound(what, min, false, max, false, false);
        }

        public static Bound count(int min, int max, String what) {
            return new Bound(what, min, false, max, false, true);
        }

        boolean admits(double v) {
            boolean low = minOpen ? v > min : v >= min;
            boolean high = maxOpen ? v < max : v <= max;
            return low && high && (!integer || v == Math.rint(v));
        }

        @Override
        public String toString() {
            String lo = (minOpen ? "(" : "[") + fmt(min);
            String hi = fmt(max) + (maxOpen ? ")" : "]");
            return (integer ? "an integer in " : "") + lo + ", " + hi;
        }

        private static String fmt(double v) {
            return Double.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : (v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v));
        }
    }

    public TaskRanges {
        nominal = Collections.unmodifiableSortedMap(new TreeMap<>(nominal));
        ood = Collections.unmodifiableSortedMap(new TreeMap<>(ood));
        change = Collections.unmodifiableSortedMap(new TreeMap<>(change));
    }

    /** The range of {@code key} for tasks of {@code split}. */
    public Range range(Split split, String key) {
        Range r = (split == Split.OOD ? ood : nominal).get(key);
        if (r == null) {
            throw new IllegalStateException("no range for '" + key + "' in " + (split == Split.OOD ? OOD : NOMINAL));
        }
        return r;
    }

    /** The size of the mid-episode change called {@code key}. */
    public double change(String key) {
        Double v = change.get(key);
        if (v == null) {
            throw new IllegalStateException("no change setting '" + key + "'");
        }
        return v;
    }

    /**
     * Checks these ranges against a family's keys and bounds; a caller error names the family,
     * the section and key, the value and what is accepted. {@code defaults} gives the keys.
     */
    TaskRanges validate(String family, TaskRanges defaults, Map<String, Bound> bounds) {
        checkSection(family, NOMINAL, nominal, defaults.nominal, bounds);
        checkSection(family, OOD, ood, defaults.ood, bounds);
        if (!change.keySet().equals(defaults.change.keySet())) {
            throw new IllegalArgumentException(family + " task distribution: " + CHANGE + " takes " + defaults.change.keySet()
                    + "; got " + change.keySet());
        }
        for (Map.Entry<String, Double> e : change.entrySet()) {
            Bound b = bound(family, bounds, CHANGE + "." + e.getKey());
            if (!b.admits(e.getValue())) {
                throw new IllegalArgumentException(family + " task distribution: " + CHANGE + "." + e.getKey() + " = "
                        + e.getValue() + " must be in " + b + " (" + b.what() + ")");
            }
        }
        return this;
    }

    private static void checkSection(String family, String section, Map<String, Range> given, Map<String, Range> keys,
            Map<String, Bound> bounds) {
        if (!given.keySet().equals(keys.keySet())) {
            throw new IllegalArgumentException(family + " task distribution: " + section + " takes " + keys.keySet()
                    + "; got " + given.keySet());
        }
        for (Map.Entry<String, Range> e : given.entrySet()) {
            Bound b = bound(family, bounds, e.getKey());
            Range r = e.getValue();
            if (!b.admits(r.lo()) || !b.admits(r.hi())) {
                throw new IllegalArgumentException(family + " task distribution: " + section + "." + e.getKey() + " = " + r
                        + " must lie in " + b + " (" + b.what() + ")");
            }
        }
    }

    private static Bound bound(String family, Map<String, Bound> bounds, String key) {
        Bound b = bounds.get(key);
        if (b == null) {
            throw new IllegalStateException(family + " declares no bound for '" + key + "'");
        }
        return b;
    }

    /** Builds ranges section by section (the families' defaults). */
    static final class Builder {
        private final SortedMap<String, Range> nominal = new TreeMap<>();
        private final SortedMap<String, Range> ood = new TreeMap<>();
        private final SortedMap<String, Double> change = new TreeMap<>();

        Builder both(String key, double lo, double hi) {
            return nominal(key, lo, hi).ood(key, lo, hi);
        }

        Builder nominal(String key, double lo, double hi) {
            nominal.put(key, new Range(lo, hi));
            return this;
        }

        Builder ood(String key, double lo, double hi) {
            ood.put(key, new Range(lo, hi));
            return this;
        }

        Builder change(String key, double value) {
            change.put(key, value);
            return this;
        }

        TaskRanges build() {
            return new TaskRanges(nominal, ood, change);
        }
    }
}
