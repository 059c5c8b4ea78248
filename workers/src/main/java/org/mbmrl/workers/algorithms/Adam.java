package org.mbmrl.workers.algorithms;

import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Adam (Kingma and Ba, 2015) on the meta-gradient, the outer optimizer of maml (eq. 4 with
 * Adam in place of plain SGD, as GrBAL does), pooled and vi. Moments are kept in double.
 */
public final class Adam implements OuterOptimizer {
    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double EPSILON = 1e-8;

    private final double lr;
    private double[] m;
    private double[] v;
    private long t;

    public Adam(double lr, int parameters) {
        this.lr = lr;
        this.m = new double[parameters];
        this.v = new double[parameters];
    }

    @Override
    public void apply(float[] theta, double[] g) {
        t++;
        double c1 = 1 - Math.pow(BETA1, t);
        double c2 = 1 - Math.pow(BETA2, t);
        for (int i = 0; i < theta.length; i++) {
            m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
            v[i] = BETA2 * v[i] + (1 - BETA2) * g[i] * g[i];
            double step = lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPSILON);
            theta[i] = (float) (theta[i] - step);
        }
    }

    @Override
    public String name() {
        return "adam";
    }

    @Override
    public Map<String, Double> settings() {
        return Map.of("lr", lr);
    }

    @Override
    public Map<String, INDArray> state() {
        return Map.of("adam_m", Nd4j.create(m, new long[] {m.length}, DataType.DOUBLE),
                "adam_v", Nd4j.create(v, new long[] {v.length}, DataType.DOUBLE));
    }

    @Override
    public long steps() {
        return t;
    }

    @Override
    public void restore(Map<String, INDArray> state, long steps) {
        INDArray sm = state.get("adam_m");
        INDArray sv = state.get("adam_v");
        for (String key : new String[] {"adam_m", "adam_v"}) {
            INDArray a = state.get(key);
            if (a == null || a.length() != m.length || a.dataType() != org.nd4j.linalg.api.buffer.DataType.DOUBLE) {
                throw new IllegalArgumentException("checkpoint " + key + ".npy must hold " + m.length + " float64 values (Adam's"
                        + " moments); got " + (a == null ? "no such array" : a.length() + " " + a.dataType()));
            }
        }
        m = sm.toDoubleVector();
        v = sv.toDoubleVector();
        t = steps;
    }
}
