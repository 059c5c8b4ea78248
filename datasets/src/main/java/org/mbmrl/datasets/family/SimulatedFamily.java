package org.mbmrl.datasets.family;

import java.util.List;
import java.util.Map;
import org.mbmrl.datasets.Split;

/**
 * The fixed description every simulated family shares (name, dimensions, action bounds,
 * parameter names, episode length) and its task distribution (default ranges, the bounds a
 * range must respect, the ranges in use), so a family class holds only its physics, sampling,
 * reward and change.
 */
abstract class SimulatedFamily implements TaskFamily {
    private final String name;
    private final int observationDim;
    private final double[] actionBound;
    private final List<String> parameterNames;
    private final int episodeLength;
    private final TaskRanges defaults;
    private final Map<String, TaskRanges.Bound> bounds;
    private final TaskRanges ranges;

    /** {@code ranges} null means the defaults. */
    SimulatedFamily(String name, int observationDim, double[] actionBound, List<String> parameterNames, int episodeLength,
            TaskRanges defaults, Map<String, TaskRanges.Bound> bounds, TaskRanges ranges) {
        this.name = name;
        this.observationDim = observationDim;
        this.actionBound = actionBound.clone();
        this.parameterNames = List.copyOf(parameterNames);
        this.episodeLength = episodeLength;
        this.defaults = defaults.validate(name, defaults, bounds);
        this.bounds = Map.copyOf(bounds);
        this.ranges = ranges == null ? defaults : ranges.validate(name, defaults, bounds);
    }

    /** A family of the same class drawing from {@code ranges} (already validated). */
    abstract TaskFamily create(TaskRanges ranges);

    @Override
    public final TaskRanges ranges() {
        return ranges;
    }

    @Override
    public final TaskRanges defaultRanges() {
        return defaults;
    }

    @Override
    public final TaskFamily withRanges(TaskRanges r) {
        return create(r.validate(name, defaults, bounds));
    }

    /** One draw per parameter, in {@link #parameterNames()} order, from its range for {@code split}. */
    final double[] drawInOrder(Split split, java.util.SplittableRandom rng) {
        double[] p = new double[parameterNames.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = range(split, parameterNames.get(i)).draw(rng);
        }
        return p;
    }

    /** The range of sampling key {@code key} for a task of {@code split}. */
    final TaskRanges.Range range(Split split, String key) {
        return ranges.range(split, key);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int observationDim() {
        return observationDim;
    }

    @Override
    public final int actionDim() {
        return actionBound.length;
    }

    @Override
    public final double[] actionBound() {
        return actionBound.clone();
    }

    @Override
    public final List<String> parameterNames() {
        return parameterNames;
    }

    @Override
    public final int episodeLength() {
        return episodeLength;
    }
}
