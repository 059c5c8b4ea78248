package org.mbmrl.workers.control;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.datasets.family.Simulator;
import org.mbmrl.datasets.family.TaskFamily;

/**
 * One control episode on one task: online model adaptation plus MPC, the meta-test loop of
 * GrBAL (survey IV-A, algorithm 2) with the planner of eq. 16. At every control step t:
 * <ol>
 *   <li>if t is the configured change step, the task changes mid-episode:
 *       {@code sim.setParameters(family.changedParameters(params))};</li>
 *   <li>adapt: the online adapter turns theta* and the last M transitions into phi_t
 *       (algorithm 2's "phi = theta* after k gradient steps on D_recent");</li>
 *   <li>plan: the planner picks a_t = first action of argmax_tau sum_h r(s_h, a_h, f_phi(s_h, a_h)) (eq. 16);</li>
 *   <li>act: the simulator steps, and (s_t, a_t, r_t, s_t+1) is appended to the recent
 *       window and to the episode's recorded transitions;</li>
 * </ol>
 * until the simulator reports termination or the episode length is reached.
 *
 * <p>Two set-ups: {@link #onModel} plans on a learned model ({@link ModelDynamics}, planning
 * state = observation) with an {@link OnlineAdapter}; {@link #onTrueDynamics} is the upper
 * reference, MPC on the task's own simulator ({@link TrueDynamics}, planning state = the
 * simulator's full state, no adapter, and the oracle is told about the change: its
 * simulators get the changed parameters at the change step too).
 *
 * <p>Adapt and plan are timed per step with {@link System#nanoTime()}; the result reports
 * their means in ms per step. The rest (simulator, recording) is not counted.
 */
public final class ControlEpisode {
    /** Width of the reward windows of {@link #recoverySteps}. */
    public static final int RECOVERY_WINDOW = 10;

    /**
     * How to run an episode: {@code length} >= 1 control steps at most, the mid-episode
     * change at step {@code changeStep} (0 <= changeStep < length), or -1 for none, and the
     * seed of the simulator's reset.
     */
    public record Settings(int length, int changeStep, long resetSeed) {
        public Settings {
            if (length < 1) {
                throw new IllegalArgumentException("episode length must be >= 1; got " + length);
            }
            if (changeStep != -1 && (changeStep < 0 || changeStep >= length)) {
                throw new IllegalArgumentException("change step must be -1 (no change) or in [0, " + length + "); got "
                        + changeStep);
            }
        }

        /** The family's episode length, no change. */
        public static Settings of(TaskFamily family, long resetSeed) {
            return new Settings(family.episodeLength(), -1, resetSeed);
        }
    }

    /**
     * An episode's outcome: the return (sum of rewards), the reward of every step, the
     * number of steps run, the change step (-1: none, or not reached before termination),
     * {@link #recoverySteps} and whether
     * recovery happened, the mean adapt and plan milliseconds per control step, the control
     * steps whose adaptation the adapter's guard rejected, and the transitions as a dataset task would hold them (episode-major rows, one per step).
     */
    public record Result(double totalReturn, double[] rewards, int steps, int changeStep, int recoverySteps,
            boolean recovered, double adaptMsPerStep, double planMsPerStep, int rejectedSteps, TaskTransitions transitions) {}

    private final TaskFamily family;
    private final Planner planner;
    private final TrueDynamics trueDynamics;
    private final ModelDynamics modelDynamics;
    private final OnlineAdapter adapter;
    private final RecentTransitions recent;

    private ControlEpisode(TaskFamily family, Planner planner, TrueDynamics trueDynamics, ModelDynamics modelDynamics,
            OnlineAdapter adapter, RecentTransitions recent) {
        this.family = family;
        this.planner = planner;
        this.trueDynamics = trueDynamics;
        this.modelDynamics = modelDynamics;
        this.adapter = adapter;
        this.recent = recent;
    }

    /** MPC on the task's own simulator (the upper reference); the planner is built on {@code dynamics}. */
    public static ControlEpisode onTrueDynamics(TaskFamily family, TrueDynamics dynamics, PlannerSettings planner) {
        return new ControlEpisode(family, Planner.create(planner, dynamics), dynamics, null, null, null);
    }

    /**
     * MPC on a learned model adapted online: at each step {@code adapter} turns the window
     * {@code recent} into the parameters {@code dynamics} rolls out with.
     */
    public static ControlEpisode onModel(TaskFamily family, ModelDynamics dynamics, OnlineAdapter adapter,
            RecentTransitions recent, PlannerSettings planner) {
        return new ControlEpisode(family, Planner.create(planner, dynamics), null, dynamics, adapter, recent);
    }

    /**
     * Runs one episode of task {@code taskId} (dynamics parameters {@code params}); {@code episode}
     * labels its rows. The planner's warm start, the adapter and the recent window are reset
     * first, so episodes do not influence each other.
     */
    public Result run(long taskId, int episode, double[] params, Settings settings) {
        int ds = family.observationDim();
        int da = family.actionDim();
        Simulator sim = family.simulator(params);
        double[] obs = sim.reset(new SplittableRandom(settings.resetSeed()));
        planner.reset();
        if (trueDynamics != null) {
            trueDynamics.setParameters(params);
        } else {
            adapter.reset();
            recent.clear();
        }
        TaskTransitions.Builder rows = new TaskTransitions.Builder(taskId, ds, da, settings.length());
        double[] rewards = new double[settings.length()];
        long adaptNanos = 0;
        long planNanos = 0;
        int steps = 0;
        for (int t = 0; t < settings.length(); t++) {
            if (t == settings.changeStep()) {
                double[] changed = family.changedParameters(params);
                sim.setParameters(changed);
                if (trueDynamics != null) {
                    trueDynamics.setParameters(changed);
                }
            }

            // Adapt (algorithm 2): phi_t from theta* and the last M transitions.
            long t0 = System.nanoTime();
            if (modelDynamics != null) {
                modelDynamics.setModel(adapter.adapt(recent.size() == 0 ? null : recent.batch()));
            }
            long t1 = System.nanoTime();

            // Plan (eq. 16): the first action of the best predicted sequence.
            double[] planningState = modelDynamics != null ? obs : sim.state();
            double[] action = planner.act(planningState, t);
            long t2 = System.nanoTime();
            adaptNanos += t1 - t0;
            planNanos += t2 - t1;

            // Act and record.
            Simulator.Step s = sim.step(action);
            boolean truncated = !s.terminated() && t == settings.length() - 1;
            rows.add(episode, t, obs, action, s.observation(), s.reward(), s.terminated(), truncated);
            if (recent != null) {
                recent.add(obs, action, s.observation());
            }
            rewards[t] = s.reward();
            steps = t + 1;
            obs = s.observation();
            if (s.terminated()) {
                break;
            }
        }
        double[] r = Arrays.copyOf(rewards, steps);
        double total = 0;
        for (double v : r) {
            total += v;
        }
        int change = settings.changeStep() < steps ? settings.changeStep() : -1;
        int recovery = recoverySteps(r, change);
        boolean recovered = recovered(r, change);
        return new Result(total, r, steps, change, recovery, recovered, adaptNanos / 1e6 / steps, planNanos / 1e6 / steps,
                adapter == null ? 0 : adapter.rejectedSteps(), rows.build());
    }

    /**
     * Steps to recover from the change at step {@code c} (the first step run with the changed
     * dynamics): the baseline is the mean of the {@value #RECOVERY_WINDOW} rewards before the
     * change ({@code rewards[c-10 .. c-1]}, or all of {@code rewards[0 .. c-1]} if c < 10);
     * the trailing mean at step j is the mean of {@code rewards[j-9 .. j]}, taken only over
     * windows wholly after the change (j >= c + 9). The result is {@code j + 1 - c} for the
     * first such j whose trailing mean is at or above the baseline: the steps run under the
     * changed dynamics until the controller is back, at least {@value #RECOVERY_WINDOW}
     * (10 means the first full window after the change is already as good as before).
     * If that never happens before the episode ends the value is censored: the number of
     * steps run after the change, {@code rewards.length - c} (see {@link #recovered}). With
     * no change ({@code c = -1}) or no reward before it ({@code c = 0}) the result is -1.
     */
    public static int recoverySteps(double[] rewards, int c) {
        return recoveryStepsAgainst(rewards, c, null);
    }

    /** Whether the trailing mean got back to the baseline after the change at {@code c} (see {@link #recoverySteps}). */
    public static boolean recovered(double[] rewards, int c) {
        return recoveryIndex(rewards, c, null) >= 0;
    }

    /**
     * Steps to recover from the change at {@code c} measured against a reference episode of the
     * same task and change (MPC on the true dynamics): as {@link #recoverySteps}, but the level
     * to get back to at window end j is the lower of the episode's own baseline and the
     * reference's trailing mean at j. Where the change lowers the reward any controller can
     * reach, the own baseline alone is out of reach (the true dynamics do not get back to it
     * either); this asks only to be as good as the controller that knows the changed dynamics.
     * Windows past the end of a shorter reference (it terminated) use the baseline alone.
     * Censored at {@code rewards.length - c} as {@link #recoverySteps}; -1 if undefined.
     */
    public static int recoveryStepsAgainst(double[] rewards, int c, double[] reference) { // reference null: own level only
        int j = recoveryIndex(rewards, c, reference);
        if (j == Integer.MIN_VALUE) {
            return -1;
        }
        return j >= 0 ? j + 1 - c : rewards.length - c;
    }

    /** Whether {@link #recoveryStepsAgainst} found the level before the episode ended. */
    public static boolean recoveredAgainst(double[] rewards, int c, double[] reference) {
        return recoveryIndex(rewards, c, reference) >= 0;
    }

    /**
     * The recovery step j, -1 if never, {@code Integer.MIN_VALUE} if undefined (no change or no
     * baseline); with a {@code reference}, the level is capped by its trailing mean.
     */
    private static int recoveryIndex(double[] rewards, int c, double[] reference) {
        if (c < 1 || c >= rewards.length) {
            return Integer.MIN_VALUE;
        }
        int w = RECOVERY_WINDOW;
        int from = Math.max(0, c - w);
        double baseline = 0;
        for (int i = from; i < c; i++) {
            baseline += rewards[i];
        }
        baseline /= c - from;
        for (int j = c + w - 1; j < rewards.length; j++) {
            double trailing = 0;
            for (int i = j - w + 1; i <= j; i++) {
                trailing += rewards[i];
            }
            double level = baseline;
            if (reference != null && j < reference.length) {
                double ref = 0;
                for (int i = j - w + 1; i <= j; i++) {
                    ref += reference[i];
                }
                level = Math.min(level, ref / w);
            }
            if (trailing / w >= level) {
                return j;
            }
        }
        return -1;
    }
}
