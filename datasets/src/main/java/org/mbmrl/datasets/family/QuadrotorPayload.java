package org.mbmrl.datasets.family;

import static org.mbmrl.datasets.family.FamilyMath.badParameter;
import static org.mbmrl.datasets.family.FamilyMath.clip;
import static org.mbmrl.datasets.family.FamilyMath.uniform;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mbmrl.datasets.Split;

/**
 * A planar quadrotor carrying a suspended payload (after Belkhale et al., "Model-Based
 * Meta-Reinforcement Learning for Flight with Suspended Payloads", RA-L 2021), following a
 * figure-eight reference.
 *
 * <p>The quadrotor is a rigid body of mass {@link #QUAD_MASS} M and moment of inertia
 * {@link #INERTIA} J in the vertical x-z plane, position {@code q = (x, z)}, pitch {@code phi}.
 * Two rotors at distance {@link #ARM} d either side of the centre push along the body axis
 * {@code n = (sin phi, cos phi)} with thrusts {@code T_i = MAX_ROTOR_THRUST (1 + u_i) / 2}, so the
 * actions {@code u_i} in [-1, 1] span zero to full thrust (rotor 1 sits on the -x side, so
 * {@code T_1 > T_2} pitches the thrust toward +x). A point payload of mass m hangs from the
 * body's centre on a rigid massless tether of length L at angle {@code psi} from the downward
 * vertical: the payload sits at {@code p = q + L e} with {@code e = (sin psi, -cos psi)}; write
 * {@code e' = (cos psi, sin psi)}. With {@code T = T_1 + T_2}, {@code F = T n} and the tether
 * tension {@code N} (positive when pulling), Newton's laws for body and payload and the
 * tether constraint give, in closed form,
 *
 * <pre>
 *   N       = m / (M + m) (M L psi'^2 - F.e)
 *   q''     = (F + N e) / M - g z^
 *   psi''   = -(g sin psi + q''.e') / L
 *   phi''   = (d (T_1 - T_2) - c phi') / J
 * </pre>
 *
 * (the tether is attached at the centre of mass, so the payload exerts no torque on the body;
 * {@link #ROTATIONAL_DRAG} c is the airframe's and rotors' aerodynamic damping of the pitch
 * rate, time constant J/c = 0.1 s, which also keeps uniformly random exploration actions from
 * tumbling the vehicle).
 * With m = 0 the body flies alone and the tether angle follows it as a massless pendulum.
 * Integrated by classic fourth-order Runge-Kutta with {@link #SUBSTEPS} substeps per control
 * period {@link #DT}, thrusts held over the period. Hovering at rest with the payload hanging
 * straight down needs {@code T = (M + m) g}; without thrust the centre of mass falls at g, the
 * tether turns at a constant rate and the pitch rate decays as {@code e^{-c t / J}}.
 *
 * <p>The payload is only partly observed: the observation is
 * {@code (x, z, x', z', cos phi, sin phi, phi', cos psi, sin psi)} (9 numbers); the tether rate
 * {@code psi'} is in the full {@link Simulator#state()} {@code (x, z, x', z', phi, phi', psi, psi', t)}
 * but not in the observation (the state also holds the control step count t, which the
 * reward's reference depends on). The task is to follow the figure-eight
 * {@code ref(t) = (A sin(w t), B sin(2 w t))}, A = 1 m, B = 0.5 m, w = 2 pi / {@link #REF_PERIOD}
 * with a period of 5 s (two loops in a {@link #EPISODE_LENGTH}-step episode; peak reference speed
 * 1.8 m/s), starting near its first point, the origin, at rest. The reward of the transition of
 * control step t scores the position {@code q_{t+1} = (x, z)} of the next observation against
 * the reference at the time the transition ends:
 *
 * <pre>  r = -(|q_{t+1} - ref((t + 1) DT)| + 0.01 |u|^2)</pre>
 *
 * (no termination). Parameters {@code (payload_mass, tether_length)}: {@code train}/{@code test}
 * m in [0.1, 0.4] kg, L in [0.3, 0.7] m; {@code ood} heavier and longer, m in [0.5, 0.8] kg,
 * L in [0.8, 1.2] m. The mid-episode change attaches {@link #ADDED_MASS} kg more payload.
 */
public final class QuadrotorPayload extends SimulatedFamily {
    public static final String NAME = "quadrotor-payload";
    public static final double DT = 0.05;
    public static final int SUBSTEPS = 4;
    public static final double GRAVITY = 9.81;
    public static final double QUAD_MASS = 1.0;
    public static final double INERTIA = 0.05;
    public static final double ARM = 0.15;
    public static final double MAX_ROTOR_THRUST = 13.0;
    public static final double ROTATIONAL_DRAG = 0.5;
    public static final double REF_X_AMPLITUDE = 1.0;
    public static final double REF_Z_AMPLITUDE = 0.5;
    public static final double REF_PERIOD = 5.0;
    public static final double ADDED_MASS = 0.3;
    public static final int EPISODE_LENGTH = 200;

    private static final List<String> PARAMETERS = List.of("payload_mass", "tether_length");
    private static final int DS = 9;
    private static final int DA = 2;

    private static final TaskRanges DEFAULTS = new TaskRanges.Builder()
            .nominal("payload_mass", 0.1, 0.4).nominal("tether_length", 0.3, 0.7)
            .ood("payload_mass", 0.5, 0.8).ood("tether_length", 0.8, 1.2)
            .change("added_mass", ADDED_MASS).build();
    private static final Map<String, TaskRanges.Bound> BOUNDS = Map.of(
            "payload_mass", TaskRanges.Bound.atLeast(0, "a payload mass in kg"),
            "tether_length", TaskRanges.Bound.above(0, "a tether length in m"),
            "change.added_mass", TaskRanges.Bound.atLeast(0, "a payload mass in kg added mid-episode"));

    public QuadrotorPayload() {
        this(null);
    }

    private QuadrotorPayload(TaskRanges ranges) {
        super(NAME, DS, new double[] {1.0, 1.0}, PARAMETERS, EPISODE_LENGTH, DEFAULTS, BOUNDS, ranges);
    }

    @Override
    TaskFamily create(TaskRanges ranges) {
        return new QuadrotorPayload(ranges);
    }

    @Override
    public double[] sampleParameters(Split split, SplittableRandom rng) {
        return drawInOrder(split, rng);
    }

    @Override
    public Simulator simulator(double[] parameters) {
        return new Sim(parameters);
    }

    @Override
    public void rewards(int step, double[] observations, double[] actions, double[] nextObservations, int n, double[] out) {
        double[] ref = reference((step + 1) * DT);
        for (int i = 0; i < n; i++) {
            out[i] = reward(ref, nextObservations, DS * i, actions, DA * i);
        }
    }

    @Override
    public double[] changedParameters(double[] parameters) {
        FamilyMath.requireParameters(NAME, PARAMETERS, parameters);
        return new double[] {parameters[0] + ranges().change("added_mass"), parameters[1]};
    }

    /** The reference position {@code (x, z)} at time {@code t} seconds. */
    public static double[] reference(double t) {
        double w = 2 * Math.PI / REF_PERIOD;
        return new double[] {REF_X_AMPLITUDE * Math.sin(w * t), REF_Z_AMPLITUDE * Math.sin(2 * w * t)};
    }

    /** The action that makes the rotors' total thrust {@code thrust} without torque. */
    public static double hoverAction(double thrust) {
        return thrust / MAX_ROTOR_THRUST - 1;
    }

    static double reward(double[] ref, double[] next, int at, double[] actions, int aat) {
        double dx = next[at] - ref[0];
        double dz = next[at + 1] - ref[1];
        double u1 = clip(actions[aat], 1.0);
        double u2 = clip(actions[aat + 1], 1.0);
        return -(Math.sqrt(dx * dx + dz * dz) + 0.01 * (u1 * u1 + u2 * u2));
    }

    /**
     * Mechanical energy of body and payload (kinetic plus potential, zero at z = 0) for the full
     * state {@code (x, z, x', z', phi, phi', psi, psi')}.
     */
    public static double energy(double payloadMass, double tetherLength, double[] s) {
        double vx = s[2];
        double vz = s[3];
        double w = s[5];
        double psi = s[6];
        double dpsi = s[7];
        double px = vx + tetherLength * Math.cos(psi) * dpsi;
        double pz = vz + tetherLength * Math.sin(psi) * dpsi;
        double kinetic = 0.5 * QUAD_MASS * (vx * vx + vz * vz) + 0.5 * INERTIA * w * w
                + 0.5 * payloadMass * (px * px + pz * pz);
        double potential = QUAD_MASS * GRAVITY * s[1] + payloadMass * GRAVITY * (s[1] - tetherLength * Math.cos(psi));
        return kinetic + potential;
    }

    /**
     * The simulator of one task. Its full state is {@code (x, z, x', z', phi, phi', psi, psi', t)}:
     * the step count t is part of it because the reward follows a time-varying reference.
     */
    public static final class Sim implements Simulator {
        private double payloadMass;
        private double tetherLength;
        private final double[] s = new double[8];
        private final double[] k1 = new double[8];
        private final double[] k2 = new double[8];
        private final double[] k3 = new double[8];
        private final double[] k4 = new double[8];
        private final double[] tmp = new double[8];
        private int t;

        Sim(double[] parameters) {
            setParameters(parameters);
        }

        @Override
        public void setParameters(double[] parameters) {
            FamilyMath.requireParameters(NAME, PARAMETERS, parameters);
            double m = parameters[0];
            double len = parameters[1];
            if (!(m >= 0) || !Double.isFinite(m)) {
                throw badParameter(NAME, "payload_mass", ">= 0", m);
            }
            if (!(len > 0) || !Double.isFinite(len)) {
                throw badParameter(NAME, "tether_length", "> 0", len);
            }
            payloadMass = m;
            tetherLength = len;
        }

        @Override
        public double[] reset(SplittableRandom rng) {
            for (int j = 0; j < 6; j++) {
                s[j] = uniform(rng, -0.05, 0.05);
            }
            s[6] = uniform(rng, -0.1, 0.1);
            s[7] = uniform(rng, -0.1, 0.1);
            t = 0;
            return observation();
        }

        @Override
        public Step step(double[] action) {
            FamilyMath.requireAction(NAME, DA, action);
            double u1 = clip(action[0], 1.0);
            double u2 = clip(action[1], 1.0);
            double t1 = MAX_ROTOR_THRUST * (1 + u1) / 2;
            double t2 = MAX_ROTOR_THRUST * (1 + u2) / 2;
            double h = DT / SUBSTEPS;
            for (int i = 0; i < SUBSTEPS; i++) {
                rk4(t1, t2, h);
            }
            double[] obs = observation();
            double r = reward(reference((t + 1) * DT), obs, 0, new double[] {u1, u2}, 0);
            t++;
            return new Step(obs, r, false);
        }

        /** The control step the next {@link #step} is: 0 after {@link #reset}, counted up by each step. */
        public int stepCount() {
            return t;
        }

        private void rk4(double t1, double t2, double h) {
            derivative(s, t1, t2, k1);
            for (int j = 0; j < 8; j++) {
                tmp[j] = s[j] + 0.5 * h * k1[j];
            }
            derivative(tmp, t1, t2, k2);
            for (int j = 0; j < 8; j++) {
                tmp[j] = s[j] + 0.5 * h * k2[j];
            }
            derivative(tmp, t1, t2, k3);
            for (int j = 0; j < 8; j++) {
                tmp[j] = s[j] + h * k3[j];
            }
            derivative(tmp, t1, t2, k4);
            for (int j = 0; j < 8; j++) {
                s[j] += h / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
            }
        }

        private void derivative(double[] y, double t1, double t2, double[] dy) {
            double m = payloadMass;
            double len = tetherLength;
            double thrust = t1 + t2;
            double fx = thrust * Math.sin(y[4]);
            double fz = thrust * Math.cos(y[4]);
            double sinPsi = Math.sin(y[6]);
            double cosPsi = Math.cos(y[6]);
            double dpsi = y[7];
            // e = (sin psi, -cos psi) points from the body to the payload; e' = (cos psi, sin psi).
            double fe = fx * sinPsi - fz * cosPsi;
            double tension = m / (QUAD_MASS + m) * (QUAD_MASS * len * dpsi * dpsi - fe);
            double ax = (fx + tension * sinPsi) / QUAD_MASS;
            double az = (fz - tension * cosPsi) / QUAD_MASS - GRAVITY;
            dy[0] = y[2];
            dy[1] = y[3];
            dy[2] = ax;
            dy[3] = az;
            dy[4] = y[5];
            dy[5] = (ARM * (t1 - t2) - ROTATIONAL_DRAG * y[5]) / INERTIA;
            dy[6] = dpsi;
            dy[7] = -(GRAVITY * sinPsi + ax * cosPsi + az * sinPsi) / len;
        }

        @Override
        public double[] observation() {
            return new double[] {s[0], s[1], s[2], s[3], Math.cos(s[4]), Math.sin(s[4]), s[5], Math.cos(s[6]),
                Math.sin(s[6])};
        }

        /** {@code (x, z, x', z', phi, phi', psi, psi', t)}: the physical state and the control step count. */
        @Override
        public double[] state() {
            double[] out = java.util.Arrays.copyOf(s, 9);
            out[8] = t;
            return out;
        }

        @Override
        public void setState(double[] state) {
            FamilyMath.requireState(NAME, 9, state);
            if (!(state[8] >= 0) || state[8] != Math.rint(state[8]) || state[8] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(NAME + " state component 8 (the step count) must be a whole number >= 0; got "
                        + state[8]);
            }
            System.arraycopy(state, 0, s, 0, 8);
            t = (int) state[8];
        }
    }
}
