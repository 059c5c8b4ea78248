package org.mbmrl.datasets.family;

import java.util.List;

/**
 * The fixed description every simulated family shares (name, dimensions, action bounds,
 * parameter names, episode length), so a family class holds only its physics, sampling,
 * reward and change.
 */
abstract class SimulatedFamily implements TaskFamily {
    private final String name;
    private final int observationDim;
    private final double[] actionBound;
    private final List<String> parameterNames;
    private final int episodeLength;

    SimulatedFamily(String name, int observationDim, double[] actionBound, List<String> parameterNames, int episodeLength) {
        this.name = name;
        this.observationDim = observationDim;
        this.actionBound = actionBound.clone();
        this.parameterNames = List.copyOf(parameterNames);
        this.episodeLength = episodeLength;
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
