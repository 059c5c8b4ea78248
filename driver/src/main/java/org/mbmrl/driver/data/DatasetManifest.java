package org.mbmrl.driver.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.mbmrl.datasets.Schema;
import org.mbmrl.datasets.family.TaskFamilies;

/**
 * {@code dataset.json}: what a dataset is (family, dimensions, task counts) and how it was
 * made (generator settings and seed). Written last, so a dataset without it is incomplete.
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
        @JsonProperty("generator") String generator) {

    /** Checks the values a reader relies on; messages name the field. */
    public DatasetManifest validate(String where) {
        if (formatVersion != Schema.FORMAT_VERSION) {
            throw new IllegalArgumentException(where + ": format_version " + formatVersion + " is not supported (expected "
                    + Schema.FORMAT_VERSION + ")");
        }
        try {
            TaskFamilies.byName(family);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
        if (observationDim < 1 || actionDim < 1) {
            throw new IllegalArgumentException(where + ": observation_dim and action_dim must be >= 1; got "
                    + observationDim + " and " + actionDim);
        }
        return this;
    }
}
