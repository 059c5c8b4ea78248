package org.mbmrl.workers.control;

/**
 * The guard of the weight-adapting online adapters ({@link AdapterSettings#guard()}): the step
 * size of the current control step, backed off after a rejected adaptation and restored after
 * accepted ones, and the episode's count of rejections. Without the guard every adaptation is
 * accepted at {@code lr}.
 */
final class StepGuard {
    private final AdapterSettings settings;
    private double lr;
    private int rejected;

    StepGuard(AdapterSettings settings) {
        this.settings = settings;
        reset();
    }

    void reset() {
        lr = settings.lr();
        rejected = 0;
    }

    /** The step size to adapt with at this control step. */
    double lr() {
        return lr;
    }

    /**
     * Whether an adaptation that moved the window's loss from {@code before} to {@code after} is
     * kept; updates the step size for the next control step. A non-finite {@code after} is rejected.
     */
    boolean accept(double before, double after) {
        if (!settings.guard()) {
            return true;
        }
        if (after < before) {
            lr = Math.min(settings.lr(), lr / settings.backoff());
            return true;
        }
        lr *= settings.backoff();
        rejected++;
        return false;
    }

    int rejected() {
        return rejected;
    }
}
