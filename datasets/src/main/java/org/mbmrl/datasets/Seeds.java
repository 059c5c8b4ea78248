package org.mbmrl.datasets;

/**
 * Derives independent seeds from a run seed and a path of integers (iteration, task id,
 * stream, ...). Every random choice in mbmrl draws from a {@link java.util.SplittableRandom}
 * seeded this way, so a result is a pure function of its inputs: no time-based defaults,
 * and the same value whichever thread, executor or retry computes it.
 *
 * <p>The mixing function is SplitMix64's finalizer (Steele, Lea and Flood, 2014), applied
 * after each component so that nearby paths give unrelated seeds.
 */
public final class Seeds {
    private Seeds() {}

    /** Stream tags, so that two uses of the same (seed, iteration, task) never share draws. */
    public static final long STREAM_PARAMETERS = 0x7461736b70L;   // task parameters
    public static final long STREAM_EPISODES = 0x6570697364L;     // episode roll-outs
    public static final long STREAM_INIT = 0x696e6974L;           // model initialisation
    public static final long STREAM_META_BATCH = 0x6d62617463L;   // meta-batch sampling
    public static final long STREAM_SEGMENTS = 0x7365676dL;       // trajectory segments
    public static final long STREAM_EVAL = 0x6576616cL;           // evaluation segments
    public static final long STREAM_TASK_STATE = 0x7473746174L;   // initial per-task state (FAMLE embeddings)

    /** Returns a seed that depends on every component of {@code path}, in order. */
    public static long derive(long seed, long... path) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        for (long p : path) {
            h = mix(h + 0x9E3779B97F4A7C15L + mix(p));
        }
        return h;
    }

    /**
     * A standard normal number from {@code rng}: Box-Muller from two uniforms, one number per
     * call (no cached pair, unlike {@code java.util.Random}), so a stream of draws is a pure
     * function of the generator's seed.
     */
    public static double gaussian(java.util.SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
