package org.mbmrl.driver.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.mbmrl.datasets.Schema;
import org.mbmrl.datasets.family.TaskFamilies;
import org.mbmrl.datasets.family.TaskFamily;
import org.mbmrl.datasets.family.TaskRanges;

/**
 * {@code dataset.json}: what a dataset is (family, dimensions, task counts) and how it was
 * made (generator settings and seed). Written last, so a dataset without it is incomplete.
 * A dataset version made by {@code mbmrl collect} (or a round of {@code train.rounds > 1})
 * also has {@code provenance}: the source dataset (uri, fingerprint), run, checkpoint, round
 * and what was collected; an imported dataset ({@code mbmrl import}) has the source files,
 * format, mapping and counts; absent (null) for a generated dataset. {@code task_ranges} is
 * the task distribution the tasks were drawn from ({@link TaskRangesJson}; it also sizes the
 * mid-episode change that control applies); absent in datasets written before it existed,
 * which were drawn from the family's defaults, and in imported ones.
 *
 * <p>{@code family} is a registered task family (its simulator makes control possible) or
 * {@value #EXTERNAL}: data from outside without a simulator, whose dimensions and parameter
 * names come from the data; such a dataset trains and evaluates prediction, but control and
 * collection refuse it.
 */
public record DatasetManifest(
        @JsonProperty("format_version") int formatVersion,
        @JsonProperty("family") String family,
        @JsonProperty("observation_dim") int observationDim,
        @JsonProperty("action_dim") int actionDim,
        @JsonProperty("parameter_names") List<String> parameterNames,
        @JsonProperty("train_tasks") int trainTasks,
        @JsonProperty("test_tasks") int testTasks,
        @JsonProperty("ood_tasks") int oodTasks,
        @JsonProperty("episodes_per_task") int episodesPerTask,
        @JsonProperty("steps_per_episode") int stepsPerEpisode,
        @JsonProperty("seed") long seed,
        @JsonProperty("generator") String generator,
        @JsonProperty("provenance") @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode provenance,
        @JsonProperty("task_ranges") @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode taskRanges) {

    /** The family of imported data without a simulator. */
    public static final String EXTERNAL = "external";

    /** The canonical constructor is the one JSON binds to (the shorter ones would drop fields). */
    @JsonCreator
    public DatasetManifest {}

    /** A dataset with provenance and no task ranges (the family's defaults, or none). */
    public DatasetManifest(int formatVersion, String family, int observationDim, int actionDim, List<String> parameterNames,
            int trainTasks, int testTasks, int oodTasks, int episodesPerTask, int stepsPerEpisode, long seed,
            String generator, JsonNode provenance) {
        this(formatVersion, family, observationDim, actionDim, parameterNames, trainTasks, testTasks, oodTasks,
                episodesPerTask, stepsPerEpisode, seed, generator, provenance, null);
    }

    /** A generated dataset (no provenance). */
    public DatasetManifest(int formatVersion, String family, int observationDim, int actionDim, List<String> parameterNames,
            int trainTasks, int testTasks, int oodTasks, int episodesPerTask, int stepsPerEpisode, long seed,
            String generator) {
        this(formatVersion, family, observationDim, actionDim, parameterNames, trainTasks, testTasks, oodTasks,
                episodesPerTask, stepsPerEpisode, seed, generator, null, null);
    }

    /** This manifest with {@code provenance} (a collected dataset version). */
    public DatasetManifest withProvenance(JsonNode p) {
        return new DatasetManifest(formatVersion, family, observationDim, actionDim, parameterNames, trainTasks, testTasks,
                oodTasks, episodesPerTask, stepsPerEpisode, seed, generator, p, taskRanges);
    }

    /** This manifest recording the task distribution its tasks were drawn from. */
    public DatasetManifest withTaskRanges(TaskRanges ranges) {
        return new DatasetManifest(formatVersion, family, observationDim, actionDim, parameterNames, trainTasks, testTasks,
                oodTasks, episodesPerTask, stepsPerEpisode, seed, generator, provenance, TaskRangesJson.toTree(ranges));
    }

    /**
     * The dataset's family drawing from the recorded task ranges (the defaults when none are
     * recorded): what control simulates, with the change the dataset was made for.
     */
    public TaskFamily taskFamily() {
        TaskFamily f = TaskFamilies.byName(family);
        return taskRanges == null ? f : f.withRanges(TaskRangesJson.fromTree(taskRanges, f, "task_ranges"));
    }

    /** Whether the dataset has no simulator ({@value #EXTERNAL}: imported data). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isExternal() {
        return EXTERNAL.equals(family);
    }

    /** Checks the values a reader relies on; messages name the field. */
    public DatasetManifest validate(String where) {
        if (formatVersion != Schema.FORMAT_VERSION) {
            throw new IllegalArgumentException(where + ": format_version " + formatVersion + " is not supported (expected "
                    + Schema.FORMAT_VERSION + ")");
        }
        if (observationDim < 1 || actionDim < 1) {
            throw new IllegalArgumentException(where + ": observation_dim and action_dim must be >= 1; got "
                    + observationDim + " and " + actionDim);
        }
        if (isExternal()) {
            if (parameterNames == null) {
                throw new IllegalArgumentException(where + ": parameter_names is required (a list, empty for none)");
            }
            return this;
        }
        TaskFamily f;
        try {
            f = TaskFamilies.byName(family);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
        if (observationDim != f.observationDim() || actionDim != f.actionDim()) {
            throw new IllegalArgumentException(where + ": observation_dim " + observationDim + " and action_dim " + actionDim
                    + " do not match family " + family + " (observation_dim " + f.observationDim() + ", action_dim "
                    + f.actionDim() + ")");
        }
        if (taskRanges != null) {
            try {
                taskFamily();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
        }
        return this;
    }
}
