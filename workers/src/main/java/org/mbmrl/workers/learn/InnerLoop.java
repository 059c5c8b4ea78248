package org.mbmrl.workers.learn;

import org.mbmrl.workers.model.Loss;

/**
 * The inner loop shared by meta-training and online adaptation (survey eq. 3 and 11): take
 * {@code steps} (k) plain gradient steps with rate {@code lr} (alpha) on the {@code loss} of
 * the {@code past} (M) transitions of a trajectory segment, then judge the adapted model on the
 * NLL of the {@code future} (K) transitions that follow. M and K are independent. The inner
 * loss is the NLL of eq. 10, or {@link Loss#MSE} on the mean only (GrBAL's loss, eq. 1 of
 * Nagabandi et al.); the outer loss is always the NLL, which alone trains the variance.
 */
public record InnerLoop(int past, int future, int steps, double lr, Loss loss, Subspace subspace)
        implements java.io.Serializable {

    /** An inner loop on every parameter. */
    public InnerLoop(int past, int future, int steps, double lr, Loss loss) {
        this(past, future, steps, lr, loss, Subspace.ALL);
    }

    public InnerLoop {
        if (subspace == null) {
            throw new IllegalArgumentException("adapt.subspace must be one of [all, last_layer]; got null");
        }
        if (loss == null) {
            throw new IllegalArgumentException("adapt.loss must be one of [nll, mse]; got null");
        }
        if (past < 1) {
            throw new IllegalArgumentException("adapt.past (M) must be >= 1; got " + past);
        }
        if (future < 1) {
            throw new IllegalArgumentException("adapt.future (K) must be >= 1; got " + future);
        }
        if (steps < 0) {
            throw new IllegalArgumentException("adapt.steps (k) must be >= 0; got " + steps);
        }
        if (!(lr >= 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("adapt.lr (alpha) must be a finite number >= 0; got " + lr);
        }
    }

    /** Rows in one segment: M past plus K future transitions. */
    public int segmentLength() {
        return past + future;
    }
}
