package org.mbmrl.datasets.family;

import java.util.List;
import java.util.SplittableRandom;

/** Small helpers shared by the task families: sampling, clipping, argument checks. */
final class FamilyMath {

    private FamilyMath() {}

    /** A uniform draw from [lo, hi). */
    static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    /** {@code x} clipped to [-bound, bound]. */
    static double clip(double x, double bound) {
        return Math.max(-bound, Math.min(bound, x));
    }

    /** Checks that a family got as many parameters as it has names; the message lists them. */
    static void requireParameters(String family, List<String> names, double[] parameters) {
        if (parameters == null || parameters.length != names.size()) {
            throw new IllegalArgumentException(family + " takes " + names.size() + " parameters ("
                    + String.join(", ", names) + "); got " + (parameters == null ? "null" : parameters.length));
        }
    }

    /** Checks the length of a state vector given to {@code setState}, and that it is finite. */
    static void requireState(String family, int length, double[] state) {
        if (state == null || state.length != length) {
            throw new IllegalArgumentException(family + " state has " + length + " components; got "
                    + (state == null ? "null" : state.length));
        }
        for (int i = 0; i < length; i++) {
            if (!Double.isFinite(state[i])) {
                throw new IllegalArgumentException(family + " state component " + i + " is " + state[i]);
            }
        }
    }

    /** Checks the length of an action vector. */
    static void requireAction(String family, int length, double[] action) {
        if (action == null || action.length != length) {
            throw new IllegalArgumentException(family + " takes actions of length " + length + "; got "
                    + (action == null ? "null" : action.length));
        }
    }

    /** An IllegalArgumentException naming the parameter, its requirement and its value. */
    static IllegalArgumentException badParameter(String family, String name, String requirement, double value) {
        return new IllegalArgumentException(family + " needs " + name + " " + requirement + "; got " + name + "=" + value);
    }
}
