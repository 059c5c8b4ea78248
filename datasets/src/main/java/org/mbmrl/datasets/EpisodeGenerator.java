package org.mbmrl.datasets;

import java.util.SplittableRandom;
import org.mbmrl.datasets.family.Simulator;
import org.mbmrl.datasets.family.TaskFamilies;
import org.mbmrl.datasets.family.TaskFamily;

/**
 * Rolls out episodes of uniformly random actions on one task: the exploration data that
 * meta-training starts from. Deterministic in the task's seed.
 */
public final class EpisodeGenerator implements java.io.Serializable {
    private final int episodes;
    private final int steps;

    public EpisodeGenerator(int episodes, int steps) {
        if (episodes < 1) {
            throw new IllegalArgumentException("episodes_per_task must be >= 1; got " + episodes);
        }
        if (steps < 2) {
            throw new IllegalArgumentException("steps_per_episode must be >= 2; got " + steps);
        }
        this.episodes = episodes;
        this.steps = steps;
    }

    /** All transitions of {@code task}: {@code episodes x steps} rows, episode-major. */
    public TaskTransitions generate(TaskSpec task) {
        TaskFamily family = TaskFamilies.byName(task.family());
        int ds = family.observationDim();
        int da = family.actionDim();
        double[] bound = family.actionBound();
        int n = episodes * steps;
        TaskTransitions.Builder out = new TaskTransitions.Builder(task.taskId(), ds, da, n);
        SplittableRandom rng = new SplittableRandom(task.seed());
        Simulator sim = family.simulator(task.parameters());
        double[] action = new double[da];
        for (int e = 0; e < episodes; e++) {
            double[] obs = sim.reset(rng);
            for (int t = 0; t < steps; t++) {
                for (int j = 0; j < da; j++) {
                    action[j] = bound[j] * (2 * rng.nextDouble() - 1);
                }
                Simulator.Step step = sim.step(action);
                boolean last = t == steps - 1;
                out.add(e, t, obs, action, step.observation(), step.reward(), step.terminated(), last && !step.terminated());
                obs = step.observation();
                if (step.terminated()) {
                    break;
                }
            }
        }
        return out.build();
    }
}
