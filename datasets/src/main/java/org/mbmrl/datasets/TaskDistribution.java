package org.mbmrl.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mbmrl.datasets.family.TaskFamilies;
import org.mbmrl.datasets.family.TaskFamily;
import org.mbmrl.datasets.family.TaskRanges;

/**
 * A seeded distribution of tasks of one family with {@code train}, {@code test} and
 * {@code ood} splits. Task ids are contiguous: train tasks first, then test, then ood. Each
 * task is a pure function of (seed, task id, ranges), so any executor can rebuild any task.
 * {@code ranges} is where the family's parameters are drawn from ({@link TaskRanges}); the
 * family's defaults unless a task-distribution file says otherwise.
 */
public record TaskDistribution(String family, int trainTasks, int testTasks, int oodTasks, long seed, TaskRanges ranges)
        implements java.io.Serializable {

    /** A distribution with the family's default ranges. */
    public TaskDistribution(String family, int trainTasks, int testTasks, int oodTasks, long seed) {
        this(family, trainTasks, testTasks, oodTasks, seed, null);
    }

    public TaskDistribution {
        ranges = ranges == null ? TaskFamilies.byName(family).defaultRanges() : ranges;
        TaskFamilies.byName(family).withRanges(ranges);
        if (trainTasks < 1) {
            throw new IllegalArgumentException("train_tasks must be >= 1; got " + trainTasks);
        }
        if (testTasks < 0) {
            throw new IllegalArgumentException("test_tasks must be >= 0; got " + testTasks);
        }
        if (oodTasks < 0) {
            throw new IllegalArgumentException("ood_tasks must be >= 0; got " + oodTasks);
        }
        if ((long) trainTasks + testTasks + oodTasks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("train_tasks + test_tasks + ood_tasks must be <= " + Integer.MAX_VALUE + "; got "
                    + ((long) trainTasks + testTasks + oodTasks));
        }
    }

    public int totalTasks() {
        return trainTasks + testTasks + oodTasks;
    }

    /** The family, drawing from this distribution's ranges. */
    public TaskFamily taskFamily() {
        return TaskFamilies.byName(family).withRanges(ranges);
    }

    /** The split task {@code taskId} belongs to. */
    public Split splitOf(long taskId) {
        if (taskId < 0 || taskId >= totalTasks()) {
            throw new IllegalArgumentException("task id " + taskId + " is outside [0, " + totalTasks() + ")");
        }
        if (taskId < trainTasks) {
            return Split.TRAIN;
        }
        return taskId < trainTasks + testTasks ? Split.TEST : Split.OOD;
    }

    /** The task with id {@code taskId}. */
    public TaskSpec task(long taskId) {
        return task(taskFamily(), taskId);
    }

    private TaskSpec task(TaskFamily f, long taskId) {
        Split split = splitOf(taskId);
        double[] params = f.sampleParameters(split, new SplittableRandom(Seeds.derive(seed, Seeds.STREAM_PARAMETERS, taskId)));
        return new TaskSpec(taskId, family, split, params, Seeds.derive(seed, Seeds.STREAM_EPISODES, taskId));
    }

    /** All tasks, in id order. */
    public List<TaskSpec> tasks() {
        List<TaskSpec> all = new ArrayList<>(totalTasks());
        TaskFamily f = taskFamily();
        for (long id = 0; id < totalTasks(); id++) {
            all.add(task(f, id));
        }
        return all;
    }
}
