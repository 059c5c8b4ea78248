package org.mbmrl.workers.control;

import org.mbmrl.workers.learn.InnerLoop;
import org.mbmrl.workers.model.Loss;

/**
 * Settings of an online adapter: {@code steps} (k) gradient steps per control step with
 * rate {@code lr} (alpha) on the {@code loss} of the last {@code window} (M) transitions of the
 * episode. Each algorithm gives its adapters' defaults (GrBAL: the meta-training inner loop;
 * MB+DE: {@code control.finetune.*} on the NLL); {@code control.adapter.*} overrides k, alpha
 * and M for one evaluation.
 *
 * <p>{@code guard} (the gradient and finetune adapters): a control step's adaptation whose loss
 * on the window is not below that of the model it started from (theta* for gradient, the
 * previous step's parameters for finetune) is rejected, that model is used instead, and the
 * step size is multiplied by {@code backoff}; each accepted step divides it by {@code backoff}
 * again, up to {@code lr}. The step size starts at {@code lr} in every episode.
 */
public record AdapterSettings(int steps, double lr, int window, Loss loss, boolean guard, double backoff)
        implements java.io.Serializable {

    /** Settings without the guard. */
    public AdapterSettings(int steps, double lr, int window, Loss loss) {
        this(steps, lr, window, loss, false, 0.5);
    }

    public AdapterSettings {
        if (!(backoff > 0 && backoff < 1)) {
            throw new IllegalArgumentException("adapter.backoff must be in (0, 1); got " + backoff);
        }
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
                window == null ? this.window : window, loss, guard, backoff);
    }

    /** These settings with the guard switched and its back-off factor replaced where not null. */
    public AdapterSettings withGuard(boolean guard, Double backoff) {
        return new AdapterSettings(steps, lr, window, loss, guard, backoff == null ? this.backoff : backoff);
    }
}
