package org.mbmrl.driver.report;

import java.util.List;
import java.util.Map;

/**
 * Everything {@code mbmrl report} shows of one run, read from its directory: the values the
 * HTML's script draws (serialized to JSON as they are, so the field names are the script's).
 * A section the run has no data for is an empty list and one line in {@link #missing}
 * saying what is absent and how to produce it; numbers that are undefined (a confidence
 * interval of one value) are null, never NaN.
 *
 * @param name the run's label in the report (its directory name, made unique)
 * @param location the run directory's qualified URI
 * @param training one point per trained iteration, in iteration order
 * @param adaptation {@code evaluate}'s means per split (newest evaluated checkpoint of each split)
 * @param control {@code evaluate --control}'s returns per (split, with or without the change, method)
 * @param recovery per (split, method) the reward per step around the mid-episode change
 * @param missing per section key ({@code training}, {@code adaptation}, {@code control},
 *     {@code recovery}, {@code provenance}) the one line saying why it is empty
 */
public record RunSummary(String name, String location, Provenance provenance, List<TrainingPoint> training,
        List<AdaptationResult> adaptation, List<ControlResult> control, List<RecoveryCurve> recovery,
        Map<String, String> missing) {

    /**
     * One outer iteration from {@code RUN/metrics/}: the meta-batch's mean NLL before and after
     * adaptation, the throughput, and the algorithm's other named metrics (vi: {@code kl}).
     */
    public record TrainingPoint(int iteration, Double preLoss, Double postLoss, Double tasksPerSecond,
            Double wallSeconds, Map<String, Double> other) {}

    /**
     * The mean over one split's tasks of {@code RUN/eval/split=S/iteration=N}: K-step NLL and
     * MSE before and after adapting on the M previous transitions, with the 95% confidence
     * half-widths of the NLL means over tasks.
     */
    public record AdaptationResult(String split, int iteration, String algorithm, int tasks, Double nllBefore,
            Double nllBeforeCi95, Double nllAfter, Double nllAfterCi95, Double mseBefore, Double mseAfter) {}

    /**
     * The episodes of one (split, changed, method) of {@code RUN/eval/control/iteration=N}:
     * mean return, its sample standard deviation and 95% confidence half-width (Student's t),
     * mean recovery steps over the episodes with a change and how many recovered, and the mean
     * adapt and plan milliseconds per control step.
     */
    public record ControlResult(String split, int iteration, boolean changed, String method, String algorithm,
            String adapter, String planner, int episodes, Double meanReturn, Double std, Double ci95,
            Double meanRecoverySteps, int recovered, int withChange, Double adaptMs, Double planMs) {}

    /**
     * The per-step reward of one (split, method)'s episodes with the change, aligned on the
     * change: {@code offsets[i]} is the step minus the change step (0 is the first step under
     * the changed dynamics), {@code mean[i]} the mean over the {@code counts[i]} episodes that
     * ran that step, {@code lower}/{@code upper} its 95% confidence band (equal to the mean
     * where fewer than two episodes ran it).
     */
    public record RecoveryCurve(String split, int iteration, String method, int episodes, int changeStep,
            Double meanRecoverySteps, List<Integer> offsets, List<Double> mean, List<Double> lower, List<Double> upper,
            List<Integer> counts) {}

    /**
     * Where the run came from: its newest checkpoint (name, iteration, the mbmrl that wrote
     * it, seeds, the dataset it was trained on with the dataset's fingerprint, the model), the
     * sha256 of the checkpoint's arrays, and the effective config ({@code RUN/config.yaml}).
     */
    public record Provenance(String algorithm, String checkpoint, Integer checkpointIteration, String createdBy,
            String datasetLocation, String datasetFingerprint, Integer datasetRound, Long runSeed, Long initSeed,
            String model, String optimizer, Map<String, String> checkpointFiles, String configYaml) {}
}
