package org.mbmrl.datasets.family;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mbmrl.datasets.Split;

/**
 * A torque-limited pendulum: a point mass {@code m} on a massless rod of length {@code l}
 * with viscous damping {@code b} at the joint, driven by a torque {@code u}:
 *
 * <pre>  m l^2 th'' = u - b th' - m g l sin(th)</pre>
 *
 * with {@code th = 0} hanging down. Integrated by classic fourth-order Runge-Kutta with
 * {@link #SUBSTEPS} substeps per control period {@link #DT}. The observation is
 * {@code (cos th, sin th, th')}: Gymnasium's formula, but with {@code th = 0} hanging down
 * where Gymnasium's {@code Pendulum-v1} has it upright (the angles differ by pi); the reward is the swing-up
 * reward {@code -(angle from upright^2 + 0.1 th'^2 + 0.001 u^2)}.
 *
 * <p>Tasks vary mass, length and damping. By default ({@link TaskRanges}: the keys are the
 * parameter names) {@code train}/{@code test}: m in [0.5, 1.5] kg, l in [0.5, 1.5] m, b in
 * [0, 0.2]; {@code ood}: heavier and longer, m in [2, 3] kg, l in [1.6, 2.0] m, same damping
 * range. The mid-episode change ({@code change.payload}) attaches a payload of
 * {@link #PAYLOAD} kg to the bob.
 */
public final class Pendulum extends SimulatedFamily {
    public static final String NAME = "pendulum";
    public static final double DT = 0.05;
    public static final int SUBSTEPS = 2;
    public static final double GRAVITY = 9.81;
    public static final double MAX_TORQUE = 2.0;
    public static final double PAYLOAD = 1.0;
    public static final int EPISODE_LENGTH = 100;

    private static final List<String> PARAMETERS = List.of("mass", "length", "damping");
    private static final TaskRanges DEFAULTS = new TaskRanges.Builder()
            .nominal("mass", 0.5, 1.5).nominal("length", 0.5, 1.5)
            .ood("mass", 2.0, 3.0).ood("length", 1.6, 2.0)
            .both("damping", 0.0, 0.2)
            .change("payload", PAYLOAD).build();
    private static final Map<String, TaskRanges.Bound> BOUNDS = Map.of(
            "mass", TaskRanges.Bound.above(0, "a mass in kg"),
            "length", TaskRanges.Bound.above(0, "a length in m"),
            "damping", TaskRanges.Bound.atLeast(0, "a damping coefficient in N m s"),
            "change.payload", TaskRanges.Bound.atLeast(0, "a payload in kg added to the bob"));

    public Pendulum() {
        this(null);
    }

    private Pendulum(TaskRanges ranges) {
        super(NAME, 3, new double[] {MAX_TORQUE}, PARAMETERS, EPISODE_LENGTH, DEFAULTS, BOUNDS, ranges);
    }

    @Override
    TaskFamily create(TaskRanges ranges) {
        return new Pendulum(ranges);
    }

    @Override
    public double[] sampleParameters(Split split, SplittableRandom rng) {
        // Damping first: the order of the draws is the order datasets were always made in.
        double damping = range(split, "damping").draw(rng);
        return new double[] {range(split, "mass").draw(rng), range(split, "length").draw(rng), damping};
    }

    @Override
    public Simulator simulator(double[] parameters) {
        if (parameters.length != 3) {
            throw new IllegalArgumentException("pendulum takes 3 parameters (mass, length, damping); got " + parameters.length);
        }
        return new Sim(parameters[0], parameters[1], parameters[2]);
    }

    @Override
    public void rewards(int step, double[] observations, double[] actions, double[] nextObservations, int n, double[] out) {
        for (int i = 0; i < n; i++) {
            double c = observations[3 * i];
            double sn = observations[3 * i + 1];
            double w = observations[3 * i + 2];
            double u = Math.max(-MAX_TORQUE, Math.min(MAX_TORQUE, actions[i]));
            out[i] = reward(Math.atan2(sn, c), w, u);
        }
    }

    @Override
    public double[] changedParameters(double[] parameters) {
        return new double[] {parameters[0] + ranges().change("payload"), parameters[1], parameters[2]};
    }

    /** The swing-up reward of a transition that starts at {@code angle, velocity} with torque {@code u}. */
    static double reward(double angle, double velocity, double u) {
        double upright = wrap(angle - Math.PI);
        return -(upright * upright + 0.1 * velocity * velocity + 0.001 * u * u);
    }

    private static double wrap(double a) {
        double x = (a + Math.PI) % (2 * Math.PI);
        if (x < 0) {
            x += 2 * Math.PI;
        }
        return x - Math.PI;
    }

    /** Total mechanical energy m l^2 th'^2 / 2 + m g l (1 - cos th); conserved when u = b = 0. */
    public static double energy(double mass, double length, double angle, double velocity) {
        return 0.5 * mass * length * length * velocity * velocity + mass * GRAVITY * length * (1 - Math.cos(angle));
    }

    /** The simulator of one pendulum task; its state is public for physics tests. */
    public static final class Sim implements Simulator {
        private double mass;
        private double length;
        private double damping;
        private double angle;
        private double velocity;

        Sim(double mass, double length, double damping) {
            setParameters(new double[] {mass, length, damping});
        }

        @Override
        public void setParameters(double[] parameters) {
            double m = parameters[0];
            double l = parameters[1];
            double b = parameters[2];
            if (!(m > 0) || !(l > 0) || !(b >= 0)) {
                throw new IllegalArgumentException("pendulum needs mass > 0, length > 0, damping >= 0; got mass="
                        + m + ", length=" + l + ", damping=" + b);
            }
            this.mass = m;
            this.length = l;
            this.damping = b;
        }

        @Override
        public double[] state() {
            return new double[] {angle, velocity};
        }

        @Override
        public void setState(double[] state) {
            setState(state[0], state[1]);
        }

        @Override
        public double[] reset(SplittableRandom rng) {
            angle = -Math.PI + 2 * Math.PI * rng.nextDouble();
            velocity = -1 + 2 * rng.nextDouble();
            return observation();
        }

        /** Sets the state directly (tests, evaluation from a given state). */
        public void setState(double angle, double velocity) {
            this.angle = angle;
            this.velocity = velocity;
        }

        public double angle() {
            return angle;
        }

        public double velocity() {
            return velocity;
        }

        @Override
        public Step step(double[] action) {
            double u = Math.max(-MAX_TORQUE, Math.min(MAX_TORQUE, action[0]));
            double reward = reward(angle, velocity, u);
            double h = DT / SUBSTEPS;
            for (int i = 0; i < SUBSTEPS; i++) {
                rk4(u, h);
            }
            return new Step(observation(), reward, false);
        }

        private void rk4(double u, double h) {
            double th = angle;
            double w = velocity;
            double k1t = w;
            double k1w = accel(th, w, u);
            double k2t = w + 0.5 * h * k1w;
            double k2w = accel(th + 0.5 * h * k1t, w + 0.5 * h * k1w, u);
            double k3t = w + 0.5 * h * k2w;
            double k3w = accel(th + 0.5 * h * k2t, w + 0.5 * h * k2w, u);
            double k4t = w + h * k3w;
            double k4w = accel(th + h * k3t, w + h * k3w, u);
            angle = th + h / 6 * (k1t + 2 * k2t + 2 * k3t + k4t);
            velocity = w + h / 6 * (k1w + 2 * k2w + 2 * k3w + k4w);
        }

        private double accel(double th, double w, double u) {
            double inertia = mass * length * length;
            return (u - damping * w - mass * GRAVITY * length * Math.sin(th)) / inertia;
        }

        @Override
        public double[] observation() {
            return new double[] {Math.cos(angle), Math.sin(angle), velocity};
        }
    }
}
