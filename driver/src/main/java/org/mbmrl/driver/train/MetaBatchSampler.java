package org.mbmrl.driver.train;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.mbmrl.datasets.Seeds;

/**
 * Chooses the meta-batch of each outer iteration: a pure function of (seed, iteration).
 * Tasks are drawn without replacement within an epoch: each epoch is a seeded permutation of
 * the training tasks cut into floor(N / B) meta-batches (the few left over sit out that
 * epoch, different ones each time), so no batch holds a task twice.
 */
public final class MetaBatchSampler {
    private final long[] taskIds;
    private final int batch;
    private final long seed;

    public MetaBatchSampler(long[] taskIds, int batch, long seed) {
        if (batch > taskIds.length) {
            throw new IllegalArgumentException("train.meta_batch = " + batch + " exceeds the " + taskIds.length
                    + " training tasks of the dataset");
        }
        this.taskIds = taskIds.clone();
        Arrays.sort(this.taskIds);
        this.batch = batch;
        this.seed = seed;
    }

    /** Sorted task ids of outer iteration {@code iteration} (1-based). */
    public long[] batch(int iteration) {
        int perEpoch = taskIds.length / batch;
        int epoch = (iteration - 1) / perEpoch;
        int slot = (iteration - 1) % perEpoch;
        long[] perm = taskIds.clone();
        SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, Seeds.STREAM_META_BATCH, epoch));
        for (int i = perm.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            long tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        long[] out = Arrays.copyOfRange(perm, slot * batch, (slot + 1) * batch);
        Arrays.sort(out);
        return out;
    }
}
