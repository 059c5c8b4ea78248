package org.mbmrl.datasets.family;

import static org.mbmrl.datasets.family.FamilyMath.badParameter;
import static org.mbmrl.datasets.family.FamilyMath.clip;
import static org.mbmrl.datasets.family.FamilyMath.uniform;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mbmrl.datasets.Split;

/**
 * A planar three-joint arm in a horizontal plane (no gravity) whose motors may be damaged,
 * reaching for a fixed target (after GrBAL's crippled-leg tasks).
 *
 * <p>Links of lengths {@link #LINK_LENGTHS} {@code l_k} carry point masses {@link #LINK_MASSES}
 * {@code m_k} at their far ends; joint angles {@code q_j} are relative, so link k points along
 * {@code Th_k = q_1 + ... + q_k} and mass k sits at {@code p_k = sum_{i<=k} l_i (cos Th_i, sin Th_i)}.
 * Each joint has a motor with reflected rotor inertia {@link #ROTOR_INERTIA} {@code I_r},
 * viscous damping {@link #JOINT_DAMPING} {@code b}, and a gain {@code g_j} in [0, 1]: the
 * command {@code u_j} (clipped to [-{@link #MAX_TORQUE}, {@link #MAX_TORQUE}] N m) becomes the
 * torque {@code g_j u_j}, so a joint with gain 0 is dead (free and passive, moved only by the
 * coupling with the others). The full coupled rigid-body dynamics are used:
 *
 * <pre>
 *   M(q) q'' = g * u - b q' - h(q, q')
 *   M(q)     = I_r Id + sum_k m_k J_k^T J_k,           J_k = d p_k / d q
 *   h(q, q') = sum_k m_k J_k^T c_k,                    c_k = -sum_{i<=k} l_i Om_i^2 (cos Th_i, sin Th_i)
 * </pre>
 *
 * with {@code Om_i = Th_i'} ({@code c_k = J_k' q'} is the velocity-product part of mass k's
 * acceleration; this is d'Alembert's principle for point masses, equivalent to the Lagrange
 * equations), solved for {@code q''} by Cholesky factorisation of {@code M}, integrated by classic
 * fourth-order Runge-Kutta with {@link #SUBSTEPS} substeps per control period {@link #DT}. The
 * kinetic energy {@code (1/2) sum_k m_k |p_k'|^2 + (1/2) I_r |q'|^2} is conserved without torque
 * and damping.
 *
 * <p>The arm starts stretched along +x (all {@code q_j} near 0, fingertip near (1, 0)); the
 * target {@link #TARGET} = (0.3, 0.6) m is fixed for the family. Observation
 * {@code (cos q_1, sin q_1, cos q_2, sin q_2, cos q_3, sin q_3, q_1', q_2', q_3')} (9 numbers),
 * action the three commands. The reward of a transition uses the fingertip {@code p_3} of the
 * next observation (computed from its cosines and sines) and the clipped commands:
 *
 * <pre>  r = -(|p_3(o_{t+1}) - TARGET| + {@value #CONTROL_COST} |u / MAX_TORQUE|^2)</pre>
 *
 * (no termination): commands cost, as in Gym's Reacher, so that a model which believes a dead
 * joint works wastes reward driving it. Parameters {@code (gain_1, gain_2, gain_3)}, healthy
 * gains in [0.5, 1] and damaged ones in [0, 0.3]: {@code train}/{@code test} half the tasks healthy, half with one
 * joint (chosen at random) damaged, as GrBAL meta-trains on crippled legs; {@code ood} two
 * joints damaged, more damage than any training task has. The mid-episode change breaks the
 * healthiest joint (the largest gain, the lowest index on a tie): its gain becomes 0.
 */
public final class ReacherDamage extends SimulatedFamily {
    public static final String NAME = "reacher-damage";
    public static final double DT = 0.05;
    public static final int SUBSTEPS = 4;
    public static final double MAX_TORQUE = 2.0;
    /**
     * Weight of the squared command, normalized by {@link #MAX_TORQUE}, in the reward. Chosen
     * (from 0.04, 0.1, 0.3 and 1) as the weight at which MPC on the true dynamics gains most
     * over MPC on the pooled model, i.e. where knowing the damage matters most; see
     * docs/results.md.
     */
    public static final double CONTROL_COST = 0.3;
    public static final double ROTOR_INERTIA = 0.02;
    public static final double JOINT_DAMPING = 0.3;
    public static final int EPISODE_LENGTH = 100;
    /** Link lengths l_1, l_2, l_3 in m. */
    public static final List<Double> LINK_LENGTHS = List.of(0.4, 0.35, 0.25);
    /** Point masses m_1, m_2, m_3 at the link ends in kg. */
    public static final List<Double> LINK_MASSES = List.of(0.5, 0.4, 0.3);
    /** The fixed target (x, y) in m. */
    public static final List<Double> TARGET = List.of(0.3, 0.6);
    private static final double[] LENGTHS = LINK_LENGTHS.stream().mapToDouble(Double::doubleValue).toArray();
    private static final double[] MASSES = LINK_MASSES.stream().mapToDouble(Double::doubleValue).toArray();
    private static final double[] TARGET_XY = TARGET.stream().mapToDouble(Double::doubleValue).toArray();

    private static final List<String> PARAMETERS = List.of("gain_1", "gain_2", "gain_3");
    private static final int N = 3;
    private static final int DS = 9;

    /**
     * The gains are drawn by a rule, so its settings are the sampling keys: every joint's gain
     * from {@code gain}, then {@code damaged_joints} distinct joints (a count) get one from
     * {@code damaged_gain}.
     */
    private static final TaskRanges DEFAULTS = new TaskRanges.Builder()
            .both("gain", 0.5, 1.0).both("damaged_gain", 0.0, 0.3)
            .nominal("damaged_joints", 0, 1).ood("damaged_joints", 2, 2)
            .change("broken_gain", 0.0).build();
    private static final Map<String, TaskRanges.Bound> BOUNDS = Map.of(
            "gain", TaskRanges.Bound.within(0, 1, "a motor gain"),
            "damaged_gain", TaskRanges.Bound.within(0, 1, "a motor gain"),
            "damaged_joints", TaskRanges.Bound.count(0, N, "how many of the " + N + " joints are damaged"),
            "change.broken_gain", TaskRanges.Bound.within(0, 1, "the gain the healthiest joint drops to"));

    public ReacherDamage() {
        this(null);
    }

    private ReacherDamage(TaskRanges ranges) {
        super(NAME, DS, new double[] {MAX_TORQUE, MAX_TORQUE, MAX_TORQUE}, PARAMETERS, EPISODE_LENGTH, DEFAULTS, BOUNDS,
                ranges);
    }

    @Override
    TaskFamily create(TaskRanges ranges) {
        return new ReacherDamage(ranges);
    }

    @Override
    public double[] sampleParameters(Split split, SplittableRandom rng) {
        TaskRanges.Range healthy = range(split, "gain");
        TaskRanges.Range weak = range(split, "damaged_gain");
        double[] g = new double[N];
        for (int j = 0; j < N; j++) {
            g[j] = healthy.draw(rng);
        }
        int damaged = range(split, "damaged_joints").drawInt(rng);
        int first = rng.nextInt(N);
        if (damaged >= 1) {
            g[first] = weak.draw(rng);
        }
        if (damaged >= 2) {
            int second = (first + 1 + rng.nextInt(N - 1)) % N;
            g[second] = weak.draw(rng);
            if (damaged == 3) {
                g[N * (N - 1) / 2 - first - second] = weak.draw(rng);
            }
        }
        return g;
    }

    @Override
    public Simulator simulator(double[] parameters) {
        return new Sim(parameters, JOINT_DAMPING);
    }

    @Override
    public void rewards(int step, double[] observations, double[] actions, double[] nextObservations, int n, double[] out) {
        for (int i = 0; i < n; i++) {
            out[i] = reward(nextObservations, DS * i, actions, N * i);
        }
    }

    /**
     * The gains with the healthiest joint broken: its gain drops to {@code change.broken_gain}
     * (default 0), or stays if it is already below that.
     */
    @Override
    public double[] changedParameters(double[] parameters) {
        FamilyMath.requireParameters(NAME, PARAMETERS, parameters);
        double[] g = parameters.clone();
        int best = 0;
        for (int j = 1; j < N; j++) {
            if (g[j] > g[best]) {
                best = j;
            }
        }
        g[best] = Math.min(g[best], ranges().change("broken_gain"));
        return g;
    }

    /** The fingertip {@code (x, y)} of the observation at {@code obs[at ..]}. */
    public static double[] fingertip(double[] obs, int at) {
        double c = 1;
        double s = 0;
        double x = 0;
        double y = 0;
        for (int j = 0; j < N; j++) {
            double cj = obs[at + 2 * j];
            double sj = obs[at + 2 * j + 1];
            double cn = c * cj - s * sj;
            double sn = s * cj + c * sj;
            c = cn;
            s = sn;
            x += LENGTHS[j] * c;
            y += LENGTHS[j] * s;
        }
        return new double[] {x, y};
    }

    static double reward(double[] next, int at, double[] actions, int aat) {
        double[] tip = fingertip(next, at);
        double dx = tip[0] - TARGET_XY[0];
        double dy = tip[1] - TARGET_XY[1];
        double penalty = 0;
        for (int j = 0; j < N; j++) {
            double u = clip(actions[aat + j], MAX_TORQUE) / MAX_TORQUE;
            penalty += u * u;
        }
        return -(Math.sqrt(dx * dx + dy * dy) + CONTROL_COST * penalty);
    }

    /** Kinetic energy of the arm at full state {@code (q_1, q_2, q_3, q_1', q_2', q_3')}. */
    public static double energy(double[] state) {
        double th = 0;
        double om = 0;
        double vx = 0;
        double vy = 0;
        double e = 0;
        for (int k = 0; k < N; k++) {
            th += state[k];
            om += state[N + k];
            vx += -LENGTHS[k] * om * Math.sin(th);
            vy += LENGTHS[k] * om * Math.cos(th);
            e += 0.5 * MASSES[k] * (vx * vx + vy * vy) + 0.5 * ROTOR_INERTIA * state[N + k] * state[N + k];
        }
        return e;
    }

    /** The simulator of one task; full state {@code (q_1, q_2, q_3, q_1', q_2', q_3')}. */
    public static final class Sim implements Simulator {
        private final double damping;
        private final double[] gains = new double[N];
        private final double[] s = new double[2 * N];
        private final double[] k1 = new double[2 * N];
        private final double[] k2 = new double[2 * N];
        private final double[] k3 = new double[2 * N];
        private final double[] k4 = new double[2 * N];
        private final double[] tmp = new double[2 * N];
        private final double[] torque = new double[N];
        // Scratch for the dynamics: link directions, Jacobian columns, mass matrix.
        private final double[] cosTh = new double[N];
        private final double[] sinTh = new double[N];
        private final double[] om = new double[N];
        private final double[][] jx = new double[N][N];
        private final double[][] jy = new double[N][N];
        private final double[][] mm = new double[N][N];
        private final double[] rhs = new double[N];

        /** A simulator with joint damping {@code damping} (the family uses {@link #JOINT_DAMPING}; tests use 0). */
        Sim(double[] parameters, double damping) {
            this.damping = damping;
            setParameters(parameters);
        }

        @Override
        public void setParameters(double[] parameters) {
            FamilyMath.requireParameters(NAME, PARAMETERS, parameters);
            for (int j = 0; j < N; j++) {
                double g = parameters[j];
                if (!(g >= 0 && g <= 1)) {
                    throw badParameter(NAME, PARAMETERS.get(j), "in [0, 1]", g);
                }
            }
            System.arraycopy(parameters, 0, gains, 0, N);
        }

        @Override
        public double[] reset(SplittableRandom rng) {
            for (int j = 0; j < 2 * N; j++) {
                s[j] = uniform(rng, -0.1, 0.1);
            }
            return observation();
        }

        @Override
        public Step step(double[] action) {
            FamilyMath.requireAction(NAME, N, action);
            double[] u = new double[N];
            for (int j = 0; j < N; j++) {
                u[j] = clip(action[j], MAX_TORQUE);
                torque[j] = gains[j] * u[j];
            }
            double h = DT / SUBSTEPS;
            for (int i = 0; i < SUBSTEPS; i++) {
                rk4(h);
            }
            double[] obs = observation();
            return new Step(obs, reward(obs, 0, u, 0), false);
        }

        private void rk4(double h) {
            int d = 2 * N;
            derivative(s, k1);
            for (int j = 0; j < d; j++) {
                tmp[j] = s[j] + 0.5 * h * k1[j];
            }
            derivative(tmp, k2);
            for (int j = 0; j < d; j++) {
                tmp[j] = s[j] + 0.5 * h * k2[j];
            }
            derivative(tmp, k3);
            for (int j = 0; j < d; j++) {
                tmp[j] = s[j] + h * k3[j];
            }
            derivative(tmp, k4);
            for (int j = 0; j < d; j++) {
                s[j] += h / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
            }
        }

        /** {@code dy = (q', q'')} at {@code y = (q, q')} with the current torques. */
        private void derivative(double[] y, double[] dy) {
            double th = 0;
            double w = 0;
            for (int i = 0; i < N; i++) {
                th += y[i];
                w += y[N + i];
                cosTh[i] = Math.cos(th);
                sinTh[i] = Math.sin(th);
                om[i] = w;
            }
            for (int a = 0; a < N; a++) {
                for (int b = 0; b < N; b++) {
                    mm[a][b] = a == b ? ROTOR_INERTIA : 0;
                }
                rhs[a] = torque[a] - damping * y[N + a];
            }
            for (int k = 0; k < N; k++) {
                // Jacobian of p_k: column j (j <= k) is sum_{i=j..k} l_i (-sin Th_i, cos Th_i).
                double cx = 0;
                double cy = 0;
                for (int j = k; j >= 0; j--) {
                    double x = (j == k ? 0 : jx[k][j + 1]) - LENGTHS[j] * sinTh[j];
                    double yv = (j == k ? 0 : jy[k][j + 1]) + LENGTHS[j] * cosTh[j];
                    jx[k][j] = x;
                    jy[k][j] = yv;
                    cx -= LENGTHS[j] * om[j] * om[j] * cosTh[j];
                    cy -= LENGTHS[j] * om[j] * om[j] * sinTh[j];
                }
                double m = MASSES[k];
                for (int a = 0; a <= k; a++) {
                    for (int b = 0; b <= k; b++) {
                        mm[a][b] += m * (jx[k][a] * jx[k][b] + jy[k][a] * jy[k][b]);
                    }
                    rhs[a] -= m * (jx[k][a] * cx + jy[k][a] * cy);
                }
            }
            solveSymmetric(mm, rhs);
            for (int i = 0; i < N; i++) {
                dy[i] = y[N + i];
                dy[N + i] = rhs[i];
            }
        }

        /** Solves {@code a x = b} in place ({@code b} becomes x) by Cholesky; {@code a} is symmetric positive definite. */
        private static void solveSymmetric(double[][] a, double[] b) {
            int n = b.length;
            for (int j = 0; j < n; j++) {
                double d = a[j][j];
                for (int k = 0; k < j; k++) {
                    d -= a[j][k] * a[j][k];
                }
                d = Math.sqrt(d);
                a[j][j] = d;
                for (int i = j + 1; i < n; i++) {
                    double v = a[i][j];
                    for (int k = 0; k < j; k++) {
                        v -= a[i][k] * a[j][k];
                    }
                    a[i][j] = v / d;
                }
            }
            for (int i = 0; i < n; i++) {
                double v = b[i];
                for (int k = 0; k < i; k++) {
                    v -= a[i][k] * b[k];
                }
                b[i] = v / a[i][i];
            }
            for (int i = n - 1; i >= 0; i--) {
                double v = b[i];
                for (int k = i + 1; k < n; k++) {
                    v -= a[k][i] * b[k];
                }
                b[i] = v / a[i][i];
            }
        }

        @Override
        public double[] observation() {
            double[] o = new double[DS];
            for (int j = 0; j < N; j++) {
                o[2 * j] = Math.cos(s[j]);
                o[2 * j + 1] = Math.sin(s[j]);
                o[2 * N + j] = s[N + j];
            }
            return o;
        }

        @Override
        public double[] state() {
            return s.clone();
        }

        @Override
        public void setState(double[] state) {
            FamilyMath.requireState(NAME, 2 * N, state);
            System.arraycopy(state, 0, s, 0, 2 * N);
        }
    }
}
