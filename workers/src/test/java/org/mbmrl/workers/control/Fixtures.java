package org.mbmrl.workers.control;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.datasets.family.Pendulum;
import org.mbmrl.datasets.family.Simulator;
import org.mbmrl.workers.model.Activation;
import org.mbmrl.workers.model.GaussianMlp;
import org.mbmrl.workers.model.MlpSpec;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.buffer.DataType;

/** Small pendulum data, normalizer and model shared by the control tests. */
final class Fixtures {
    static final double[] PARAMS = {1.0, 1.0, 0.1};

    private Fixtures() {}

    static GaussianMlp smallModel() {
        return new GaussianMlp(new MlpSpec(3, 1, 0, List.of(32, 32), Activation.TANH), DataType.FLOAT);
    }

    /** {@code steps} transitions of the pendulum under uniform random torques, one episode. */
    static TaskTransitions randomEpisode(double[] params, int steps, long seed) {
        Pendulum family = new Pendulum();
        Simulator sim = family.simulator(params);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] obs = sim.reset(rng);
        TaskTransitions.Builder b = new TaskTransitions.Builder(1, 3, 1, steps);
        for (int t = 0; t < steps; t++) {
            double[] a = {-2 + 4 * rng.nextDouble()};
            Simulator.Step s = sim.step(a);
            b.add(0, t, obs, a, s.observation(), s.reward(), false, false);
            obs = s.observation();
        }
        return b.build();
    }

    static Normalizer normalizer() {
        return Normalizer.Statistics.of(randomEpisode(PARAMS, 400, 3)).toNormalizer();
    }

    /** Rows {@code from .. from+count-1} of {@code task} as double arrays (observation, action, next). */
    static List<double[][]> rows(TaskTransitions task, int from, int count) {
        List<double[][]> out = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            double[] o = new double[3];
            double[] n = new double[3];
            for (int j = 0; j < 3; j++) {
                o[j] = task.observation()[i * 3 + j];
                n[j] = task.nextObservation()[i * 3 + j];
            }
            out.add(new double[][] {o, {task.action()[i]}, n});
        }
        return out;
    }
}
