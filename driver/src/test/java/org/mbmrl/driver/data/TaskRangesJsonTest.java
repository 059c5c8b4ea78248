package org.mbmrl.driver.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mbmrl.datasets.family.TaskFamilies;
import org.mbmrl.datasets.family.TaskFamily;
import org.mbmrl.datasets.family.TaskRanges;
import org.mbmrl.driver.checkpoint.CheckpointStore;
import org.mbmrl.driver.config.ConfigLoader;

/** Task ranges through YAML and {@code dataset.json}: what control's change is sized by. */
class TaskRangesJsonTest {

    @Test
    void aFilesKeysReplaceTheDefaultsAndTheTreeRoundTrips() throws Exception {
        TaskFamily cartpole = TaskFamilies.byName("cartpole");
        JsonNode yaml = ConfigLoader.YAML.readTree("ood: {pole_mass: [1.0, 2.0]}\nchange: {added_mass: 0.25}\n");
        TaskRanges r = TaskRangesJson.fromTree(yaml, cartpole, "t.yaml");
        assertEquals(new TaskRanges.Range(1.0, 2.0), r.ood().get("pole_mass"));
        assertEquals(cartpole.defaultRanges().nominal(), r.nominal());
        assertEquals(cartpole.defaultRanges().ood().get("pole_length"), r.ood().get("pole_length"));
        assertEquals(r, TaskRangesJson.fromTree(TaskRangesJson.toTree(r), cartpole, "round trip"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TaskRangesJson.fromTree(ConfigLoader.YAML.readTree("ood: {pole_mass: [1.0]}"), cartpole, "t.yaml"));
        assertEquals("t.yaml: ood.pole_mass must be [lo, hi] with finite lo <= hi, or one number; got [1.0]", e.getMessage());
    }

    @Test
    void theManifestCarriesTheRangesAndControlsChangeUsesThem() throws Exception {
        TaskFamily pendulum = TaskFamilies.byName("pendulum");
        TaskRanges r = TaskRangesJson.fromTree(ConfigLoader.YAML.readTree("change: {payload: 0.5}"), pendulum, "t");
        DatasetManifest m = new DatasetManifest(1, "pendulum", 3, 1, pendulum.parameterNames(), 2, 1, 1, 1, 10, 7,
                "random-actions").withTaskRanges(r);
        DatasetManifest read = CheckpointStore.JSON.readValue(CheckpointStore.JSON.writeValueAsBytes(m), DatasetManifest.class)
                .validate("dataset.json");
        assertArrayEquals(new double[] {1.5, 1.0, 0.1}, read.taskFamily().changedParameters(new double[] {1.0, 1.0, 0.1}),
                1e-12);
        DatasetManifest old = CheckpointStore.JSON.readValue("""
                {"format_version": 1, "family": "pendulum", "observation_dim": 3, "action_dim": 1,
                 "parameter_names": ["mass", "length", "damping"], "train_tasks": 2, "test_tasks": 1, "ood_tasks": 1,
                 "episodes_per_task": 1, "steps_per_episode": 10, "seed": 7, "generator": "random-actions"}
                """, DatasetManifest.class);
        assertNull(old.taskRanges());
        assertEquals(pendulum.defaultRanges(), old.taskFamily().ranges(), "a dataset from before: the defaults");
        String broken = new String(CheckpointStore.JSON.writeValueAsBytes(m)).replaceAll("\"payload\"\\s*:\\s*0.5", "\"payload\": -3.0");
        e(() -> CheckpointStore.JSON.readValue(broken, DatasetManifest.class).validate("data/dataset.json"),
                List.of("data/dataset.json", "change.payload = -3.0"));
    }

    private static void e(Runnable r, List<String> parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), e.getMessage());
        }
    }

    private interface Runnable {
        void run() throws Exception;
    }
}
