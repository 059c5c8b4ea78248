package org.mbmrl.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mbmrl.datasets.family.TaskFamilies;

class TaskDistributionTest {
    private static final int TRAIN = 80;
    private static final int TEST = 60;
    private static final int OOD = 60;
    private static final TaskDistribution DIST = new TaskDistribution("pendulum", TRAIN, TEST, OOD, 42);

    @Test
    void parametersLieInTheirSplitsRanges() {
        List<TaskSpec> tasks = DIST.tasks();
        assertEquals(200, tasks.size());
        assertEquals(200, DIST.totalTasks());
        double[] min = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        double[] max = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        double[] oodMin = min.clone();
        double[] oodMax = max.clone();
        for (TaskSpec t : tasks) {
            double[] p = t.parameters();
            assertEquals(3, p.length);
            assertEquals("pendulum", t.family());
            double mass = p[0];
            double length = p[1];
            double damping = p[2];
            assertTrue(damping >= 0 && damping <= 0.2, "damping " + damping + " in task " + t.taskId());
            if (t.split() == Split.OOD) {
                assertTrue(mass >= 2.0 && mass <= 3.0, "ood mass " + mass + " in task " + t.taskId());
                assertTrue(length >= 1.6 && length <= 2.0, "ood length " + length + " in task " + t.taskId());
                for (int j = 0; j < 3; j++) {
                    oodMin[j] = Math.min(oodMin[j], p[j]);
                    oodMax[j] = Math.max(oodMax[j], p[j]);
                }
            } else {
                assertTrue(mass >= 0.5 && mass <= 1.5, "mass " + mass + " in task " + t.taskId());
                assertTrue(length >= 0.5 && length <= 1.5, "length " + length + " in task " + t.taskId());
                for (int j = 0; j < 3; j++) {
                    min[j] = Math.min(min[j], p[j]);
                    max[j] = Math.max(max[j], p[j]);
                }
            }
        }
        // The draws spread over the ranges (a constant or collapsed sampler would fail).
        assertTrue(min[0] < 0.6 && max[0] > 1.4, "mass spread " + min[0] + ".." + max[0]);
        assertTrue(min[1] < 0.6 && max[1] > 1.4, "length spread " + min[1] + ".." + max[1]);
        assertTrue(min[2] < 0.02 && max[2] > 0.18, "damping spread " + min[2] + ".." + max[2]);
        assertTrue(oodMin[0] < 2.1 && oodMax[0] > 2.9, "ood mass spread " + oodMin[0] + ".." + oodMax[0]);
        assertTrue(oodMin[1] < 1.65 && oodMax[1] > 1.95, "ood length spread " + oodMin[1] + ".." + oodMax[1]);
        // ood is strictly heavier and longer than anything nominal.
        assertTrue(oodMin[0] > max[0] && oodMin[1] > max[1]);
    }

    @Test
    void taskIdsMapToSplitsContiguously() {
        List<TaskSpec> tasks = DIST.tasks();
        for (int id = 0; id < 200; id++) {
            Split expected = id < TRAIN ? Split.TRAIN : id < TRAIN + TEST ? Split.TEST : Split.OOD;
            assertEquals(expected, DIST.splitOf(id), "split of " + id);
            assertEquals(expected, tasks.get(id).split(), "split of task " + id);
            assertEquals(id, tasks.get(id).taskId());
        }
        assertEquals(Split.TRAIN, DIST.splitOf(TRAIN - 1));
        assertEquals(Split.TEST, DIST.splitOf(TRAIN));
        assertEquals(Split.TEST, DIST.splitOf(TRAIN + TEST - 1));
        assertEquals(Split.OOD, DIST.splitOf(TRAIN + TEST));
        for (long bad : new long[] {-1, 200, Long.MAX_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DIST.splitOf(bad));
            assertTrue(e.getMessage().contains(Long.toString(bad)), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> DIST.task(bad));
        }

        // Empty test and ood splits are allowed: everything is train.
        TaskDistribution trainOnly = new TaskDistribution("pendulum", 3, 0, 0, 1);
        assertEquals(3, trainOnly.tasks().size());
        trainOnly.tasks().forEach(t -> assertEquals(Split.TRAIN, t.split()));
        // No test split: ood follows train directly.
        TaskDistribution noTest = new TaskDistribution("pendulum", 2, 0, 2, 1);
        assertEquals(Split.TRAIN, noTest.splitOf(1));
        assertEquals(Split.OOD, noTest.splitOf(2));
    }

    @Test
    void sameSeedGivesSameTasksAndDifferentSeedDiffers() {
        List<TaskSpec> a = DIST.tasks();
        List<TaskSpec> b = new TaskDistribution("pendulum", TRAIN, TEST, OOD, 42).tasks();
        List<TaskSpec> c = new TaskDistribution("pendulum", TRAIN, TEST, OOD, 43).tasks();
        Set<Long> seeds = new HashSet<>();
        for (int i = 0; i < a.size(); i++) {
            assertSameTask(a.get(i), b.get(i));
            assertFalse(java.util.Arrays.equals(a.get(i).parameters(), c.get(i).parameters()), "params of task " + i);
            assertNotEquals(a.get(i).seed(), c.get(i).seed(), "seed of task " + i);
            seeds.add(a.get(i).seed());
        }
        // Every task has its own episode seed.
        assertEquals(a.size(), seeds.size());
        // Tasks do not depend on the split sizes: task 5 is the same train task in a larger distribution.
        assertSameTask(a.get(5), new TaskDistribution("pendulum", 10, 0, 0, 42).task(5));
    }

    @Test
    void taskByIdEqualsListEntry() {
        List<TaskSpec> all = DIST.tasks();
        for (long id = 0; id < DIST.totalTasks(); id++) {
            assertSameTask(all.get((int) id), DIST.task(id));
        }
        // Each call returns a fresh parameter array: mutating one does not change the distribution.
        DIST.task(0).parameters()[0] = -1;
        assertArrayEquals(all.get(0).parameters(), DIST.task(0).parameters(), 0.0);
    }

    @Test
    void invalidCountsNameTheField() {
        IllegalArgumentException train = assertThrows(IllegalArgumentException.class,
                () -> new TaskDistribution("pendulum", 0, 1, 1, 1));
        assertTrue(train.getMessage().contains("train_tasks"), train.getMessage());
        assertTrue(train.getMessage().contains("got 0"), train.getMessage());
        IllegalArgumentException test = assertThrows(IllegalArgumentException.class,
                () -> new TaskDistribution("pendulum", 1, -1, 1, 1));
        assertTrue(test.getMessage().contains("test_tasks"), test.getMessage());
        IllegalArgumentException ood = assertThrows(IllegalArgumentException.class,
                () -> new TaskDistribution("pendulum", 1, 1, -2, 1));
        assertTrue(ood.getMessage().contains("ood_tasks"), ood.getMessage());
        assertTrue(ood.getMessage().contains("-2"), ood.getMessage());
    }

    @Test
    void unknownFamilyListsKnownFamilies() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TaskDistribution("acrobot", 1, 1, 1, 1));
        assertTrue(e.getMessage().contains("acrobot"), e.getMessage());
        for (String known : TaskFamilies.names()) {
            assertTrue(e.getMessage().contains(known), e.getMessage());
        }
        assertTrue(e.getMessage().contains("pendulum"), e.getMessage());
    }

    static void assertSameTask(TaskSpec expected, TaskSpec actual) {
        assertEquals(expected.taskId(), actual.taskId());
        assertEquals(expected.family(), actual.family());
        assertEquals(expected.split(), actual.split());
        assertArrayEquals(expected.parameters(), actual.parameters(), 0.0, "parameters of task " + expected.taskId());
        assertEquals(expected.seed(), actual.seed(), "seed of task " + expected.taskId());
    }
}
