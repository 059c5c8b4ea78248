package org.mbmrl.workers.control;

import org.mbmrl.workers.learn.InnerLoop;
import org.mbmrl.workers.model.Loss;

/**
 * Settings of an online adapter: {@code steps} (k) gradient steps per control step with
 * rate {@code lr} (alpha) on the {@code loss} of the last {@code window} (M) transitions of the
 * episode. Each algorithm gives its adapters' defaults (GrBAL: the meta-training inner loop;
 * MB+DE: {@code control.finetune.*} on the NLL); {@code control.adapter.*} overrides k, alpha
 * and M for one evaluation.
 */
public record AdapterSettings(int steps, double lr, int window, Loss loss) implements java.io.Serializable {

    public AdapterSettings {
        if (loss == null) {
            throw new IllegalArgumentException("adapter.loss must be one of [nll, mse]; got null");
        }
        if (steps < 0) {
            throw new IllegalArgumentException("adapter.steps (k) must be >= 0; got " + steps);
        }
        if (!(lr >= 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("adapter.lr (alpha) must be a finite number >= 0; got " + lr);
        }
        if (window < 1) {
            throw new IllegalArgumentException("adapter.window (M) must be >= 1; got " + window);
        }
    }

    /** The meta-training inner loop's k, alpha, M and loss: GrBAL adapts online as it was meta-trained. */
    public static AdapterSettings of(InnerLoop inner) {
        return new AdapterSettings(inner.steps(), inner.lr(), inner.past(), inner.loss());
    }

    /** These settings with k, alpha and M replaced where the overrides are not null. */
    public AdapterSettings with(Integer steps, Double lr, Integer window) {
        return new AdapterSettings(steps == null ? this.steps : steps, lr == null ? this.lr : lr,
                window == null ? this.window : window, loss);
    }
}
