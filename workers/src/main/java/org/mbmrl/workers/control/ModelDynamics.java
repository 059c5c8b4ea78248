package org.mbmrl.workers.control;

import org.mbmrl.datasets.family.TaskFamily;
import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.model.NdBuffers;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A learned dynamics model as the planner's dynamics: the planning state is the observation,
 * and one horizon step of {@code n} candidates is one forward pass of {@code n} rows through
 * the {@link DynamicsModel}, {@code s' = s + targetStd * mu(x) + targetMean} with x the
 * normalized (s, a) and the step's context ({@link Normalizer}'s row methods, the units of
 * {@link org.mbmrl.workers.model.Batch#of}). Rollouts use the predicted mean (no sampling).
 * Rewards come from {@link TaskFamily#rewards} on (s, a, s').
 *
 * <p>The model can be swapped every control step ({@link #setModel}: the adapted parameters and
 * context of an online adapter); the context columns of the input rows are written then, once
 * per control step, not per horizon step. The input array and the Java-side buffers are
 * allocated once per candidate count and reused; the model's {@code predict} itself allocates
 * its two small result arrays per call (n x ds each), never per candidate. Not thread-safe.
 */
public final class ModelDynamics implements BatchDynamics {
    private final DynamicsModel model;
    private final Normalizer norm;
    private final TaskFamily family;
    private final int ds;
    private final int da;
    private final int dc;
    private final int inputs;
    private INDArray theta;
    private double[] context;
    private boolean contextWritten;

    private int rows = -1;
    private INDArray x;
    private double[] xs;
    private double[] mean;
    private double[] next;

    public ModelDynamics(DynamicsModel model, AdaptedModel start, Normalizer norm, TaskFamily family) {
        if (model.observationDim() != family.observationDim() || model.actionDim() != family.actionDim()
                || norm.observationDim() != family.observationDim() || norm.actionDim() != family.actionDim()) {
            throw new IllegalArgumentException("model (" + model.observationDim() + " obs, " + model.actionDim()
                    + " act), normalizer (" + norm.observationDim() + ", " + norm.actionDim() + ") and family "
                    + family.name() + " (" + family.observationDim() + ", " + family.actionDim() + ") disagree on dimensions");
        }
        this.model = model;
        this.norm = norm;
        this.family = family;
        this.ds = family.observationDim();
        this.da = family.actionDim();
        this.dc = model.contextDim();
        this.inputs = ds + da + dc;
        setModel(start);
    }

    /** The parameters and context the next rollouts use (e.g. the adapted model of this control step); not copied. */
    public void setModel(AdaptedModel adapted) {
        INDArray t = adapted.parameters();
        if (t.dataType() != model.dtype() || t.length() != model.parameterCount()) {
            throw new IllegalArgumentException("expected " + model.parameterCount() + " " + model.dtype()
                    + " parameters; got " + t.length() + " " + t.dataType());
        }
        if (adapted.context().length != dc) {
            throw new IllegalArgumentException("expected a context of " + dc + " numbers; got " + adapted.context().length);
        }
        this.theta = t;
        this.context = adapted.context();
        this.contextWritten = false;
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
        if (!contextWritten) {
            for (int i = 0; i < n; i++) {
                System.arraycopy(context, 0, xs, i * inputs + ds + da, dc);
            }
            contextWritten = true;
        }
        for (int i = 0; i < n; i++) {
            norm.normalizeInput(states, i * ds, actions, i * da, xs, i * inputs);
        }
        NdBuffers.write(xs, x, n * inputs);
        NdBuffers.read(model.predict(theta, x).mean(), mean, n * ds);
        for (int i = 0; i < n; i++) {
            norm.nextObservation(states, i * ds, mean, i * ds, next, i * ds);
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
        contextWritten = false;
    }
}
