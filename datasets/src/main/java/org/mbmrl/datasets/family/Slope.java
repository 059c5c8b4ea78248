package org.mbmrl.datasets.family;

import static org.mbmrl.datasets.family.FamilyMath.badParameter;
import static org.mbmrl.datasets.family.FamilyMath.clip;
import static org.mbmrl.datasets.family.FamilyMath.uniform;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mbmrl.datasets.Split;

/**
 * A point-mass robot driving along a straight inclined track toward a goal (after GrBAL's
 * sloped-terrain tasks): the slope angle and the ground friction vary from task to task.
 *
 * <p>Position {@code s} is measured along the track, the goal {@link #GOAL} m ahead of the start;
 * the track rises toward the goal by the slope angle {@code alpha} (negative: the goal is
 * downhill). The robot, of mass {@link #MASS} m, pushes with a force {@code F} along the track
 * (clipped to [-{@link #MAX_FORCE}, {@link #MAX_FORCE}] N) and feels gravity, viscous drag
 * {@link #DRAG} c and Coulomb friction with coefficient {@code mu} (static equal to kinetic)
 * under the normal force {@code N = m g cos alpha}:
 *
 * <pre>
 *   sliding (s' != 0):   m s'' = F - m g sin(alpha) - c s' - mu N sign(s')
 *   at rest (s' = 0):    stays at rest while |F - m g sin(alpha)| <= mu N,
 *                        otherwise starts sliding in the direction of F - m g sin(alpha)
 * </pre>
 *
 * The force is held over the control period {@link #DT}, so within a phase of constant
 * sliding direction the equation is linear with constant coefficients and is solved in closed
 * form, {@code s'(t) = s'(0) e^{-kt} + A (1 - e^{-kt}) / k} with {@code k = c/m} and
 * {@code A = (F - m g sin alpha - mu N sign)/m}. A step is split at the instant the robot stops
 * (at most once: after a stop it either sticks or slides away from rest and cannot stop again
 * within the period), so the integration is exact up to rounding: no substeps are needed.
 *
 * <p>Observation {@code (s, s')}; the robot starts near {@code s = 0} nearly at rest. Reward of
 * a transition, from the position of the next observation and the clipped force:
 *
 * <pre>  r = -(|s_{t+1} - GOAL| + 0.001 F^2)</pre>
 *
 * (no termination). Parameters {@code (slope_angle, friction)}, the angle in radians:
 * {@code train}/{@code test} gentle slopes either way and ordinary ground, alpha in [-0.15, 0.15],
 * mu in [0.1, 0.4]; {@code ood} steep uphill to the goal on ice, alpha in [0.25, 0.4], mu in
 * [0, 0.05] (the robot slides back down unless it pushes). The mid-episode change enters a
 * steeper section: alpha grows by {@link #STEEPER} rad.
 */
public final class Slope extends SimulatedFamily {
    public static final String NAME = "slope";
    public static final double DT = 0.05;
    public static final double GRAVITY = 9.81;
    public static final double MASS = 1.0;
    public static final double DRAG = 0.2;
    public static final double MAX_FORCE = 15.0;
    public static final double GOAL = 2.0;
    public static final double STEEPER = 0.2;
    /** Largest accepted |slope_angle| in radians (about 69 degrees). */
    public static final double MAX_ANGLE = 1.2;
    public static final int EPISODE_LENGTH = 100;

    private static final List<String> PARAMETERS = List.of("slope_angle", "friction");
    private static final int DS = 2;

    private static final TaskRanges DEFAULTS = new TaskRanges.Builder()
            .nominal("slope_angle", -0.15, 0.15).nominal("friction", 0.1, 0.4)
            .ood("slope_angle", 0.25, 0.4).ood("friction", 0.0, 0.05)
            .change("steeper", STEEPER).build();
    private static final Map<String, TaskRanges.Bound> BOUNDS = Map.of(
            "slope_angle", TaskRanges.Bound.within(-MAX_ANGLE, MAX_ANGLE, "a slope angle in rad"),
            "friction", TaskRanges.Bound.atLeast(0, "a friction coefficient"),
            "change.steeper", TaskRanges.Bound.within(-0.5, 0.5, "an angle in rad added to the slope mid-episode"));

    public Slope() {
        this(null);
    }

    private Slope(TaskRanges ranges) {
        super(NAME, DS, new double[] {MAX_FORCE}, PARAMETERS, EPISODE_LENGTH, DEFAULTS, BOUNDS, ranges);
    }

    @Override
    TaskFamily create(TaskRanges ranges) {
        return new Slope(ranges);
    }

    @Override
    public double[] sampleParameters(Split split, SplittableRandom rng) {
        return drawInOrder(split, rng);
    }

    @Override
    public Simulator simulator(double[] parameters) {
        return new Sim(parameters, DRAG);
    }

    @Override
    public void rewards(int step, double[] observations, double[] actions, double[] nextObservations, int n, double[] out) {
        for (int i = 0; i < n; i++) {
            out[i] = reward(nextObservations[DS * i], actions[i]);
        }
    }

    @Override
    public double[] changedParameters(double[] parameters) {
        FamilyMath.requireParameters(NAME, PARAMETERS, parameters);
        return new double[] {parameters[0] + ranges().change("steeper"), parameters[1]};
    }

    static double reward(double position, double force) {
        double f = clip(force, MAX_FORCE);
        return -(Math.abs(position - GOAL) + 0.001 * f * f);
    }

    /** The simulator of one task; full state {@code (s, s')}. */
    public static final class Sim implements Simulator {
        private final double drag;
        private double sinAlpha;
        private double normal;
        private double mu;
        private double s;
        private double v;

        /** A simulator with drag coefficient {@code drag} (the family uses {@link #DRAG}; tests use 0). */
        Sim(double[] parameters, double drag) {
            this.drag = drag;
            setParameters(parameters);
        }

        @Override
        public void setParameters(double[] parameters) {
            FamilyMath.requireParameters(NAME, PARAMETERS, parameters);
            double alpha = parameters[0];
            double friction = parameters[1];
            if (!(Math.abs(alpha) <= MAX_ANGLE)) {
                throw badParameter(NAME, "slope_angle", "in [-" + MAX_ANGLE + ", " + MAX_ANGLE + "] rad", alpha);
            }
            if (!(friction >= 0) || !Double.isFinite(friction)) {
                throw badParameter(NAME, "friction", ">= 0", friction);
            }
            sinAlpha = Math.sin(alpha);
            normal = MASS * GRAVITY * Math.cos(alpha);
            mu = friction;
        }

        @Override
        public double[] reset(SplittableRandom rng) {
            s = uniform(rng, -0.1, 0.1);
            v = uniform(rng, -0.1, 0.1);
            return observation();
        }

        @Override
        public Step step(double[] action) {
            FamilyMath.requireAction(NAME, 1, action);
            double f = clip(action[0], MAX_FORCE);
            advance(f, DT);
            double[] obs = observation();
            return new Step(obs, reward(s, f), false);
        }

        /** Advances the exact solution by {@code duration} seconds under force {@code f}. */
        private void advance(double f, double duration) {
            double k = drag / MASS;
            double applied = f - MASS * GRAVITY * sinAlpha;   // everything but friction and drag
            double friction = mu * normal;
            double left = duration;
            for (int phase = 0; phase < 3 && left > 0; phase++) {
                double dir;
                if (v == 0) {
                    if (Math.abs(applied) <= friction) {
                        return;   // sticks for the rest of the period
                    }
                    dir = Math.signum(applied);
                } else {
                    dir = Math.signum(v);
                }
                double a = (applied - friction * dir) / MASS;
                // Time until the velocity reaches 0, if it is heading there (dir * a < 0).
                double stop = Double.POSITIVE_INFINITY;
                if (v != 0 && dir * a < 0) {
                    double speed = Math.abs(v);
                    double decel = Math.abs(a);
                    stop = k > 0 ? Math.log1p(k * speed / decel) / k : speed / decel;
                }
                if (stop >= left) {
                    move(a, k, left);
                    return;
                }
                move(a, k, stop);
                v = 0;
                left -= stop;
            }
        }

        /** Closed-form motion for {@code t} seconds under constant acceleration {@code a} and drag rate {@code k}. */
        private void move(double a, double k, double t) {
            if (k > 0) {
                double decay = -Math.expm1(-k * t);   // 1 - e^{-kt}
                s += a / k * t + (v - a / k) * decay / k;
                v = v * (1 - decay) + a * decay / k;
            } else {
                s += v * t + 0.5 * a * t * t;
                v += a * t;
            }
        }

        @Override
        public double[] observation() {
            return new double[] {s, v};
        }

        @Override
        public double[] state() {
            return new double[] {s, v};
        }

        @Override
        public void setState(double[] state) {
            FamilyMath.requireState(NAME, 2, state);
            s = state[0];
            v = state[1];
        }
    }
}
