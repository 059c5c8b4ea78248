package org.mbmrl.workers.control;

import org.mbmrl.datasets.family.TaskFamily;
import org.mbmrl.workers.model.GaussianMlp;
import org.mbmrl.workers.model.NdBuffers;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A learned dynamics model as the planner's dynamics: the planning state is the observation,
 * and one horizon step of {@code n} candidates is one forward pass of {@code n} rows through
 * the Gaussian MLP, {@code s' = s + targetStd * mu(x) + targetMean} with
 * {@code x = ((s - inMean) / inStd, (a - inMean) / inStd)} (the units of
 * {@link org.mbmrl.workers.model.Batch#of}). Rollouts use the predicted mean (no sampling).
 * Rewards come from {@link TaskFamily#rewards} on (s, a, s').
 *
 * <p>The parameters can be swapped every control step ({@link #setParameters}: the adapted
 * phi of an online adapter). The input array and the Java-side buffers are allocated once
 * per candidate count and reused; {@link GaussianMlp#predict} itself allocates its two small
 * result arrays per call (n x ds each), never per candidate. Not thread-safe. Models with a
 * context input (FAMLE, VI) are not supported here.
 */
public final class ModelDynamics implements BatchDynamics {
    private final GaussianMlp model;
    private final Normalizer norm;
    private final TaskFamily family;
    private final int ds;
    private final int da;
    private final int inputs;
    private INDArray theta;

    private int rows = -1;
    private INDArray x;
    private double[] xs;
    private double[] mean;
    private double[] next;

    public ModelDynamics(GaussianMlp model, INDArray theta, Normalizer norm, TaskFamily family) {
        if (model.spec().contextDim() != 0) {
            throw new IllegalArgumentException("model dynamics for planning take a model without context input; got context_dim="
                    + model.spec().contextDim());
        }
        if (model.spec().observationDim() != family.observationDim() || model.spec().actionDim() != family.actionDim()
                || norm.observationDim() != family.observationDim() || norm.actionDim() != family.actionDim()) {
            throw new IllegalArgumentException("model (" + model.spec().observationDim() + " obs, " + model.spec().actionDim()
                    + " act), normalizer (" + norm.observationDim() + ", " + norm.actionDim() + ") and family "
                    + family.name() + " (" + family.observationDim() + ", " + family.actionDim() + ") disagree on dimensions");
        }
        this.model = model;
        this.norm = norm;
        this.family = family;
        this.ds = family.observationDim();
        this.da = family.actionDim();
        this.inputs = ds + da;
        setParameters(theta);
    }

    /** The parameters the next rollouts use (e.g. the adapted phi of this control step); not copied. */
    public void setParameters(INDArray theta) {
        if (theta.dataType() != model.dtype() || theta.length() != model.spec().parameterCount()) {
            throw new IllegalArgumentException("expected " + model.spec().parameterCount() + " " + model.dtype()
                    + " parameters; got " + theta.length() + " " + theta.dataType());
        }
        this.theta = theta;
    }

    public INDArray parameters() {
        return theta;
    }

    @Override
    public int stateDim() {
        return ds;
    }

    @Override
    public int actionDim() {
        return da;
    }

    @Override
    public double[] actionBound() {
        return family.actionBound();
    }

    @Override
    public void step(int step, double[] states, double[] actions, int n, double[] rewards) {
        ensureRows(n);
        float[] im = norm.inputMean();
        float[] is = norm.inputStd();
        float[] tm = norm.targetMean();
        float[] ts = norm.targetStd();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < ds; j++) {
                xs[i * inputs + j] = (states[i * ds + j] - im[j]) / is[j];
            }
            for (int j = 0; j < da; j++) {
                xs[i * inputs + ds + j] = (actions[i * da + j] - im[ds + j]) / is[ds + j];
            }
        }
        NdBuffers.write(xs, x, n * inputs);
        NdBuffers.read(model.predict(theta, x).mean(), mean, n * ds);
        for (int i = 0; i < n * ds; i++) {
            int j = i % ds;
            next[i] = states[i] + mean[i] * ts[j] + tm[j];
        }
        family.rewards(step, states, actions, next, n, rewards);
        System.arraycopy(next, 0, states, 0, n * ds);
    }

    private void ensureRows(int n) {
        if (n == rows) {
            return;
        }
        if (n < 1) {
            throw new IllegalArgumentException("need at least one candidate; got " + n);
        }
        x = Nd4j.createUninitialized(model.dtype(), n, inputs);
        xs = new double[n * inputs];
        mean = new double[n * ds];
        next = new double[n * ds];
        rows = n;
    }
}
