package org.mbmrl.datasets;

import java.util.List;

/**
 * Names of the dataset tables and columns (docs/formats.md). A dataset directory holds
 * {@code dataset.json} (family, dimensions, generator settings), {@code tasks/} and
 * {@code transitions/} (Parquet). Column names follow Gymnasium and LeRobot.
 */
public final class Schema {
    private Schema() {}

    public static final int FORMAT_VERSION = 1;
    public static final String MANIFEST = "dataset.json";
    public static final String TASKS = "tasks";
    public static final String TRANSITIONS = "transitions";

    public static final String TASK_ID = "task_id";
    public static final String FAMILY = "family";
    public static final String SPLIT = "split";
    public static final String PARAMS = "params";
    public static final String SEED = "seed";

    public static final String EPISODE = "episode";
    public static final String STEP = "step";
    public static final String OBSERVATION = "observation";
    public static final String ACTION = "action";
    public static final String NEXT_OBSERVATION = "next_observation";
    public static final String REWARD = "reward";
    public static final String TERMINATED = "terminated";
    public static final String TRUNCATED = "truncated";

    /** Column metadata key holding a vector column's length. */
    public static final String DIM_METADATA = "dim";

    public static final List<String> TASK_COLUMNS = List.of(TASK_ID, FAMILY, SPLIT, PARAMS, SEED);
    public static final List<String> TRANSITION_COLUMNS = List.of(TASK_ID, EPISODE, STEP, OBSERVATION, ACTION,
            NEXT_OBSERVATION, REWARD, TERMINATED, TRUNCATED);
}
