package org.mbmrl.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class MetaBatchSamplerTest {
    private final long[] ids = LongStream.range(100, 123).toArray(); // 23 tasks

    @Test
    void noTaskRepeatsWithinAnEpochOrABatch() {
        MetaBatchSampler s = new MetaBatchSampler(ids, 5, 9);
        int perEpoch = 23 / 5;
        for (int epoch = 0; epoch < 3; epoch++) {
            Set<Long> seen = new HashSet<>();
            for (int k = 0; k < perEpoch; k++) {
                long[] b = s.batch(epoch * perEpoch + k + 1);
                assertEquals(5, b.length);
                for (long id : b) {
                    assertTrue(id >= 100 && id < 123);
                    assertTrue(seen.add(id), "task " + id + " twice in epoch " + epoch);
                }
            }
        }
    }

    @Test
    void isAPureFunctionOfSeedAndIteration() {
        MetaBatchSampler a = new MetaBatchSampler(ids, 5, 9);
        MetaBatchSampler b = new MetaBatchSampler(ids, 5, 9);
        assertArrayEquals(a.batch(17), b.batch(17));
        assertArrayEquals(a.batch(3), a.batch(3));
        assertFalse(java.util.Arrays.equals(a.batch(1), new MetaBatchSampler(ids, 5, 10).batch(1)));
    }

    @Test
    void everyTaskIsVisitedOverEpochs() {
        MetaBatchSampler s = new MetaBatchSampler(ids, 5, 9);
        Set<Long> seen = new HashSet<>();
        for (int it = 1; it <= 40; it++) {
            for (long id : s.batch(it)) {
                seen.add(id);
            }
        }
        assertEquals(23, seen.size());
    }

    @Test
    void batchLargerThanTasksIsACallerError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MetaBatchSampler(ids, 24, 1));
        assertTrue(e.getMessage().contains("train.meta_batch = 24"), e.getMessage());
    }
}
