package org.mbmrl.driver.control;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.mbmrl.datasets.Seeds;
import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.datasets.family.TaskFamilies;
import org.mbmrl.datasets.family.TaskFamily;
import org.mbmrl.datasets.family.TaskRanges;
import org.mbmrl.driver.train.TaskStep;
import org.mbmrl.workers.algorithms.Algorithm;
import org.mbmrl.workers.control.AdapterSettings;
import org.mbmrl.workers.control.ControlEpisode;
import org.mbmrl.workers.control.ModelDynamics;
import org.mbmrl.workers.control.OnlineAdapter;
import org.mbmrl.workers.control.PlannerSettings;
import org.mbmrl.workers.control.RecentTransitions;
import org.mbmrl.workers.control.TrueDynamics;
import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.model.ModelSpec;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What an executor runs for one task: control episodes with the run's adaptive MPC (the
 * model theta*, the online adapter, the planner) and optionally with MPC on the task's true
 * dynamics, the upper reference. Shipped in the job's closure (these few settings; theta goes
 * as a broadcast). Every episode is a pure function of (settings, theta, task, seeds): the
 * simulator's reset seed and the planner's seed derive from (run seed, stream, task id,
 * episode), shared by all methods and by the runs with and without the change, so the
 * comparisons are paired.
 */
public final class ControlRunner implements Serializable {
    /** Seed streams (see {@link Seeds}): evaluation episodes, and collection rounds. */
    public static final long STREAM_CONTROL = 0x63746c72L;
    public static final long STREAM_PLAN = 0x706c616eL;
    public static final long STREAM_COLLECT = 0x636f6c6cL;
    public static final long STREAM_ADAPT = 0x61647074L;

    /** The {@code method} label of the true-dynamics reference, and its algorithm / adapter labels. */
    public static final String TRUE_DYNAMICS = "true-dynamics";
    public static final String ORACLE = "oracle";

    private final String family;
    private final TaskRanges ranges;
    private final ModelSpec spec;
    private final Normalizer norm;
    private final Broadcast<float[]> theta;
    private final Broadcast<TaskStateShare> taskState;
    private final Algorithm algorithm;
    private final String adapter;
    private final AdapterSettings adapterSettings;
    private final PlannerSettings planner;
    private final long seed;

    /** {@code family} and {@code ranges}: the dataset's family and the task distribution that sizes its change. */
    public ControlRunner(String family, TaskRanges ranges, ModelSpec spec, Normalizer norm, Broadcast<float[]> theta,
            Broadcast<TaskStateShare> taskState, Algorithm algorithm, String adapter, AdapterSettings adapterSettings,
            PlannerSettings planner, long seed) {
        this.family = family;
        this.ranges = ranges;
        this.spec = spec;
        this.norm = norm;
        this.theta = theta;
        this.taskState = taskState;
        this.algorithm = algorithm;
        this.adapter = adapter;
        this.adapterSettings = adapterSettings;
        this.planner = planner;
        this.seed = seed;
    }

    /** Driver side, after the last job: frees theta's broadcast. */
    public void release() {
        theta.destroy();
        taskState.destroy();
    }

    /** The run's method label, e.g. {@code maml+gradient}. */
    public static String method(String algorithm, String adapter) {
        return algorithm + "+" + adapter;
    }

    /**
     * Evaluation of one task: for each of {@code episodes} episodes, with the run's method
     * (and with the true dynamics when {@code reference}), one episode without the change and,
     * when {@code changeStep >= 0}, one with the change at that step.
     */
    public List<EpisodeOutcome> evaluate(TaskJob job, int episodes, int length, int changeStep, boolean reference) {
        TaskStep.configureThreads();
        TaskFamily f = TaskFamilies.byName(family).withRanges(ranges);
        List<EpisodeOutcome> out = new ArrayList<>();
        for (int e = job.firstEpisode; e < job.firstEpisode + episodes; e++) {
            long reset = Seeds.derive(seed, STREAM_CONTROL, job.taskId, e);
            long plan = Seeds.derive(seed, STREAM_PLAN, job.taskId, e);
            for (boolean oracle : reference ? new boolean[] {false, true} : new boolean[] {false}) {
                ControlEpisode episode = oracle ? onTrueDynamics(f, job.parameters, plan) : onModel(f, plan);
                for (int c : changeStep >= 0 ? new int[] {-1, changeStep} : new int[] {-1}) {
                    ControlEpisode.Result r = episode.run(job.taskId, e, job.parameters,
                            new ControlEpisode.Settings(length, c, reset));
                    out.add(outcome(job, e, oracle, c >= 0, r));
                }
            }
        }
        return out;
    }

    /**
     * On-policy collection on one task (GrBAL algorithm 1): {@code episodes} episodes of
     * {@code length} steps without a change, numbered from {@code job.firstEpisode}, seeded by
     * (run seed, round, task id, episode).
     */
    public CollectedTask collect(TaskJob job, int episodes, int length, int round) {
        TaskStep.configureThreads();
        TaskFamily f = TaskFamilies.byName(family).withRanges(ranges);
        TaskTransitions.Builder rows = new TaskTransitions.Builder(job.taskId, f.observationDim(), f.actionDim(),
                episodes * length);
        CollectedTask c = new CollectedTask();
        c.taskId = job.taskId;
        c.returns = new double[episodes];
        for (int i = 0; i < episodes; i++) {
            int e = job.firstEpisode + i;
            long reset = Seeds.derive(seed, STREAM_COLLECT, round, job.taskId, e);
            long plan = Seeds.derive(seed, STREAM_COLLECT, STREAM_PLAN, round, job.taskId, e);
            ControlEpisode.Result r = onModel(f, plan).run(job.taskId, e, job.parameters,
                    new ControlEpisode.Settings(length, -1, reset));
            c.returns[i] = r.totalReturn();
            TaskTransitions t = r.transitions();
            for (int k = 0; k < t.size(); k++) {
                rows.add(t.episode()[k], t.step()[k], slice(t.observation(), k, t.observationDim()),
                        slice(t.action(), k, t.actionDim()), slice(t.nextObservation(), k, t.observationDim()),
                        t.reward()[k], t.terminated()[k], t.truncated()[k]);
            }
        }
        c.transitions = rows.build();
        c.rows = c.transitions.size();
        c.problem = c.transitions.firstProblem().orElse(null);
        return c;
    }

    private static float[] slice(float[] a, int row, int width) {
        return java.util.Arrays.copyOfRange(a, row * width, (row + 1) * width);
    }

    /** An episode runner on the model: the algorithm's adapter (its noise seeded by the planner's seed) and planner. */
    private ControlEpisode onModel(TaskFamily f, long plannerSeed) {
        DynamicsModel model = spec.create(DataType.FLOAT);
        float[] t = theta.value();
        INDArray thetaStar = Nd4j.create(t, new long[] {1, t.length}, DataType.FLOAT);
        OnlineAdapter online = algorithm.onlineAdapter(adapter, model, thetaStar, taskState.value().table(), adapterSettings,
                Seeds.derive(plannerSeed, STREAM_ADAPT));
        return ControlEpisode.onModel(f, new ModelDynamics(model, online.adapt(null), norm, f), online,
                new RecentTransitions(adapterSettings.window(), norm, model.contextDim(), DataType.FLOAT),
                planner.withSeed(plannerSeed));
    }

    private ControlEpisode onTrueDynamics(TaskFamily f, double[] params, long plannerSeed) {
        return ControlEpisode.onTrueDynamics(f, new TrueDynamics(f, params), planner.withSeed(plannerSeed));
    }

    private EpisodeOutcome outcome(TaskJob job, int episode, boolean oracle, boolean changed, ControlEpisode.Result r) {
        EpisodeOutcome o = new EpisodeOutcome();
        o.taskId = job.taskId;
        o.split = job.split;
        o.algorithm = oracle ? TRUE_DYNAMICS : algorithm.name();
        o.adapter = oracle ? ORACLE : adapter;
        o.method = oracle ? TRUE_DYNAMICS : method(algorithm.name(), adapter);
        o.changed = changed;
        o.changeStep = r.changeStep();
        o.episode = episode;
        o.totalReturn = r.totalReturn();
        o.recoverySteps = r.recoverySteps();
        o.recovered = r.recovered();
        o.steps = r.steps();
        o.adaptMs = r.adaptMsPerStep();
        o.planMs = r.planMsPerStep();
        o.rejectedSteps = r.rejectedSteps();
        o.rewards = r.rewards();
        return o;
    }
}
