package org.mbmrl.workers.control;

import org.mbmrl.workers.model.Batch;

/**
 * Online adaptation of the dynamics model during an episode (survey IV-A, algorithm 2): at
 * every control step the adapter turns the meta-trained theta* and the last M transitions into
 * the model the planner uses at that step, parameters and context input. Each algorithm offers
 * its own ({@link org.mbmrl.workers.algorithms.Algorithm#onlineAdapters}); the generic ones:
 * <ul>
 *   <li>{@code none} ({@link NoAdapter}) - MB: always theta* (and a fixed context);</li>
 *   <li>{@code finetune} ({@link FinetuneAdapter}) - MB+DE: keeps training its current
 *       parameters with k SGD steps per control step on the recent window;</li>
 *   <li>{@code gradient} ({@link GradientAdapter}) - GrBAL: from theta* again at every
 *       control step, k SGD steps on the last M transitions (eq. 3 applied k times);</li>
 * </ul>
 * and FAMLE's ({@code famle}: eq. 17 then 18) and VI's ({@code vi}: eq. 23). Early in an
 * episode the window holds fewer than M transitions and the adapter uses those there are; with
 * none ({@code window == null}) it returns its starting model. Not thread-safe.
 */
public interface OnlineAdapter {

    /** The adapter's name, e.g. {@code gradient}. */
    String name();

    /** Start of an episode: back to theta* (and to the prior, for adapters that keep a posterior). */
    void reset();

    /**
     * The model for this control step given the normalized window (its context columns are the
     * adapter's to write), or {@code null} before the first transition. The returned arrays
     * belong to the adapter (they may be theta* itself, or change on the next call): callers read
     * them and do not change them.
     */
    AdaptedModel adapt(Batch window);

    /** Control steps since {@link #reset()} whose adaptation the guard rejected ({@link AdapterSettings#guard()}). */
    default int rejectedSteps() {
        return 0;
    }
}
