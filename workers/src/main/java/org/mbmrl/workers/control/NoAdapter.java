package org.mbmrl.workers.control;

import org.nd4j.linalg.api.ndarray.INDArray;

/** MB: no online adaptation, the planner always uses theta* (returned as is, never copied or changed). */
public final class NoAdapter implements OnlineAdapter {
    public static final String NAME = "none";
    private final INDArray thetaStar;

    public NoAdapter(INDArray thetaStar) {
        this.thetaStar = thetaStar;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void reset() {}

    @Override
    public INDArray parameters(RecentTransitions recent) {
        return thetaStar;
    }
}
