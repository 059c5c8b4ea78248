package org.mbmrl.datasets.family;

import static org.mbmrl.datasets.family.FamilyMath.badParameter;
import static org.mbmrl.datasets.family.FamilyMath.clip;
import static org.mbmrl.datasets.family.FamilyMath.uniform;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mbmrl.datasets.Split;

/**
 * Cart-pole swing-up: a cart of mass {@link #CART_MASS} on a track of half-length
 * {@link #TRACK_LIMIT} carries a uniform pole (mass {@code m}, length {@code L}, half-length
 * {@code l = L/2}, moment of inertia about its centre {@code m l^2 / 3}) on a frictionless hinge.
 * A horizontal force {@code F} drives the cart, which feels viscous friction {@code b x'}.
 * With {@code th = 0} the pole upright (Barto et al. 1983; Florian 2007), the Lagrange
 * equations are
 *
 * <pre>
 *   (M + m) x''        + m l cos(th) th''  = F - b x' + m l th'^2 sin(th)
 *   m l cos(th) x''    + (4/3) m l^2 th''  = m g l sin(th)
 * </pre>
 *
 * solved for {@code (x'', th'')} by Cramer's rule (the determinant
 * {@code m l^2 ((4/3)(M + m) - m cos^2 th)} is positive), giving Barto's
 * {@code th'' = (g sin th - cos th (F - b x' + m l th'^2 sin th)/(M + m)) / (l (4/3 - m cos^2 th/(M + m)))}.
 * Integrated by classic fourth-order Runge-Kutta with {@link #SUBSTEPS} substeps per control
 * period {@link #DT}; the force is held over the period. Without force and friction the energy
 * {@code (M + m) x'^2/2 + m l cos(th) x' th' + (2/3) m l^2 th'^2 + m g l cos(th)} and the
 * horizontal momentum {@code (M + m) x' + m l cos(th) th'} are constants of motion.
 *
 * <p>The pole starts hanging down ({@code th} near pi, everything else near 0). Observation
 * {@code (x, x', cos th, sin th, th')}; action the force, clipped to
 * [-{@link #MAX_FORCE}, {@link #MAX_FORCE}] N. The reward of a transition {@code s_t -> s_{t+1}}
 * is computed from the next observation and the (clipped) force:
 *
 * <pre>  r = -[(1 - cos th_{t+1}) + 0.1 x_{t+1}^2 + 0.001 F^2] - (|x_{t+1}| > TRACK_LIMIT ? OFF_TRACK_PENALTY : 0)</pre>
 *
 * and the episode terminates when the cart leaves the track. Within the track the bracket is
 * at most 2 + 0.9 + 0.1 = 3, so a whole {@link #EPISODE_LENGTH}-step episode on the track
 * costs at most 600, less than {@link #OFF_TRACK_PENALTY}: leaving the track is always worse
 * than staying on it.
 *
 * <p>Parameters {@code (pole_mass, pole_length, cart_friction)}. {@code train}/{@code test}:
 * m in [0.1, 0.5] kg, L in [0.5, 1.0] m, b in [0, 0.2] N s/m; {@code ood}: heavier, longer
 * and with more friction, m in [0.7, 1.0] kg, L in [1.2, 1.5] m, b in [0.3, 0.5] N s/m. The
 * mid-episode change makes the pole heavier by {@link #ADDED_MASS} kg (spread along it, so the
 * pole stays uniform).
 */
public final class CartPole extends SimulatedFamily {
    public static final String NAME = "cartpole";
    public static final double DT = 0.05;
    public static final int SUBSTEPS = 4;
    public static final double GRAVITY = 9.81;
    public static final double CART_MASS = 1.0;
    public static final double MAX_FORCE = 10.0;
    public static final double TRACK_LIMIT = 3.0;
    public static final double OFF_TRACK_PENALTY = 1000.0;
    public static final double ADDED_MASS = 0.5;
    public static final int EPISODE_LENGTH = 200;

    private static final List<String> PARAMETERS = List.of("pole_mass", "pole_length", "cart_friction");
    private static final int DS = 5;

    private static final TaskRanges DEFAULTS = new TaskRanges.Builder()
            .nominal("pole_mass", 0.1, 0.5).nominal("pole_length", 0.5, 1.0).nominal("cart_friction", 0.0, 0.2)
            .ood("pole_mass", 0.7, 1.0).ood("pole_length", 1.2, 1.5).ood("cart_friction", 0.3, 0.5)
            .change("added_mass", ADDED_MASS).build();
    private static final Map<String, TaskRanges.Bound> BOUNDS = Map.of(
            "pole_mass", TaskRanges.Bound.above(0, "a mass in kg"),
            "pole_length", TaskRanges.Bound.above(0, "a length in m"),
            "cart_friction", TaskRanges.Bound.atLeast(0, "a friction coefficient in N s/m"),
            "change.added_mass", TaskRanges.Bound.atLeast(0, "a mass in kg added to the pole"));

    public CartPole() {
        this(null);
    }

    private CartPole(TaskRanges ranges) {
        super(NAME, DS, new double[] {MAX_FORCE}, PARAMETERS, EPISODE_LENGTH, DEFAULTS, BOUNDS, ranges);
    }

    @Override
    TaskFamily create(TaskRanges ranges) {
        return new CartPole(ranges);
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
        for (int i = 0; i < n; i++) {
            out[i] = reward(nextObservations, DS * i, actions[i]);
        }
    }

    @Override
    public double[] changedParameters(double[] parameters) {
        FamilyMath.requireParameters(NAME, PARAMETERS, parameters);
        return new double[] {parameters[0] + ranges().change("added_mass"), parameters[1], parameters[2]};
    }

    /** The reward of a transition into the observation at {@code next[at ..]} under force {@code force} (clipped here). */
    static double reward(double[] next, int at, double force) {
        double x = next[at];
        double cos = next[at + 2];
        double f = clip(force, MAX_FORCE);
        double cost = (1 - cos) + 0.1 * x * x + 0.001 * f * f;
        return Math.abs(x) > TRACK_LIMIT ? -cost - OFF_TRACK_PENALTY : -cost;
    }

    /** Mechanical energy (kinetic + potential, zero at the hinge height); conserved when F = b = 0. */
    public static double energy(double poleMass, double poleLength, double[] state) {
        double m = poleMass;
        double l = poleLength / 2;
        double v = state[1];
        double th = state[2];
        double w = state[3];
        return 0.5 * (CART_MASS + m) * v * v + m * l * Math.cos(th) * v * w + (2.0 / 3.0) * m * l * l * w * w
                + m * GRAVITY * l * Math.cos(th);
    }

    /** Horizontal momentum of cart and pole; conserved when F = b = 0. */
    public static double momentum(double poleMass, double poleLength, double[] state) {
        return (CART_MASS + poleMass) * state[1] + poleMass * poleLength / 2 * Math.cos(state[2]) * state[3];
    }

    /** The simulator of one cart-pole task. State {@code (x, x', th, th')}, th = 0 upright. */
    public static final class Sim implements Simulator {
        private double poleMass;
        private double halfLength;
        private double friction;
        private final double[] s = new double[4];
        private final double[] k1 = new double[4];
        private final double[] k2 = new double[4];
        private final double[] k3 = new double[4];
        private final double[] k4 = new double[4];
        private final double[] tmp = new double[4];

        Sim(double[] parameters) {
            setParameters(parameters);
        }

        @Override
        public void setParameters(double[] parameters) {
            FamilyMath.requireParameters(NAME, PARAMETERS, parameters);
            double m = parameters[0];
            double len = parameters[1];
            double b = parameters[2];
            if (!(m > 0) || !Double.isFinite(m)) {
                throw badParameter(NAME, "pole_mass", "> 0", m);
            }
            if (!(len > 0) || !Double.isFinite(len)) {
                throw badParameter(NAME, "pole_length", "> 0", len);
            }
            if (!(b >= 0) || !Double.isFinite(b)) {
                throw badParameter(NAME, "cart_friction", ">= 0", b);
            }
            poleMass = m;
            halfLength = len / 2;
            friction = b;
        }

        @Override
        public double[] reset(SplittableRandom rng) {
            s[0] = uniform(rng, -0.1, 0.1);
            s[1] = uniform(rng, -0.1, 0.1);
            s[2] = Math.PI + uniform(rng, -0.1, 0.1);
            s[3] = uniform(rng, -0.1, 0.1);
            return observation();
        }

        @Override
        public Step step(double[] action) {
            FamilyMath.requireAction(NAME, 1, action);
            double f = clip(action[0], MAX_FORCE);
            double h = DT / SUBSTEPS;
            for (int i = 0; i < SUBSTEPS; i++) {
                rk4(f, h);
            }
            double[] obs = observation();
            return new Step(obs, reward(obs, 0, f), Math.abs(s[0]) > TRACK_LIMIT);
        }

        private void rk4(double f, double h) {
            derivative(s, f, k1);
            for (int j = 0; j < 4; j++) {
                tmp[j] = s[j] + 0.5 * h * k1[j];
            }
            derivative(tmp, f, k2);
            for (int j = 0; j < 4; j++) {
                tmp[j] = s[j] + 0.5 * h * k2[j];
            }
            derivative(tmp, f, k3);
            for (int j = 0; j < 4; j++) {
                tmp[j] = s[j] + h * k3[j];
            }
            derivative(tmp, f, k4);
            for (int j = 0; j < 4; j++) {
                s[j] += h / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
            }
        }

        private void derivative(double[] y, double f, double[] dy) {
            double m = poleMass;
            double l = halfLength;
            double total = CART_MASS + m;
            double v = y[1];
            double sin = Math.sin(y[2]);
            double cos = Math.cos(y[2]);
            double w = y[3];
            double rhs1 = f - friction * v + m * l * w * w * sin;
            double rhs2 = m * GRAVITY * l * sin;
            double a11 = total;
            double a12 = m * l * cos;
            double a22 = (4.0 / 3.0) * m * l * l;
            double det = a11 * a22 - a12 * a12;
            dy[0] = v;
            dy[1] = (a22 * rhs1 - a12 * rhs2) / det;
            dy[2] = w;
            dy[3] = (a11 * rhs2 - a12 * rhs1) / det;
        }

        @Override
        public double[] observation() {
            return new double[] {s[0], s[1], Math.cos(s[2]), Math.sin(s[2]), s[3]};
        }

        @Override
        public double[] state() {
            return s.clone();
        }

        @Override
        public void setState(double[] state) {
            FamilyMath.requireState(NAME, 4, state);
            System.arraycopy(state, 0, s, 0, 4);
        }
    }
}
