package org.mbmrl.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeedsTest {

    @Test
    void deterministic() {
        assertEquals(Seeds.derive(42, 1, 2, 3), Seeds.derive(42, 1, 2, 3));
        assertEquals(Seeds.derive(42), Seeds.derive(42));
        assertEquals(Seeds.derive(-5, Seeds.STREAM_EPISODES, 9), Seeds.derive(-5, Seeds.STREAM_EPISODES, 9));
    }

    @Test
    void differentPathsGiveDifferentSeeds() {
        assertNotEquals(Seeds.derive(42, 1), Seeds.derive(42, 2));
        assertNotEquals(Seeds.derive(42, 1), Seeds.derive(43, 1));
        // Prefixes and trailing zeros count.
        assertNotEquals(Seeds.derive(42), Seeds.derive(42, 0));
        assertNotEquals(Seeds.derive(42, 0), Seeds.derive(42, 0, 0));
        assertNotEquals(Seeds.derive(42, 5), Seeds.derive(42, 5, 0));
        // Streams separate the same (seed, task).
        assertNotEquals(Seeds.derive(42, Seeds.STREAM_PARAMETERS, 3), Seeds.derive(42, Seeds.STREAM_EPISODES, 3));

        // A grid of nearby paths and seeds: all distinct.
        Set<Long> seen = new HashSet<>();
        int count = 0;
        for (long seed = 0; seed < 4; seed++) {
            for (long i = 0; i < 50; i++) {
                for (long j = 0; j < 50; j++) {
                    seen.add(Seeds.derive(seed, i, j));
                    count++;
                }
            }
        }
        assertEquals(count, seen.size());
    }

    @Test
    void orderMatters() {
        assertNotEquals(Seeds.derive(42, 1, 2), Seeds.derive(42, 2, 1));
        assertNotEquals(Seeds.derive(42, 0, 1), Seeds.derive(42, 1, 0));
        assertNotEquals(Seeds.derive(7, Seeds.STREAM_SEGMENTS, 3, 4), Seeds.derive(7, Seeds.STREAM_SEGMENTS, 4, 3));
        // The seed is not just another path component.
        assertNotEquals(Seeds.derive(1, 2), Seeds.derive(2, 1));
    }

    @Test
    void streamTagsAreDistinct() {
        List<Long> tags = List.of(Seeds.STREAM_PARAMETERS, Seeds.STREAM_EPISODES, Seeds.STREAM_INIT,
                Seeds.STREAM_META_BATCH, Seeds.STREAM_SEGMENTS, Seeds.STREAM_EVAL);
        assertEquals(tags.size(), new HashSet<>(tags).size());
    }

    @Test
    void nearbyPathsGiveUnrelatedBits() {
        // Consecutive task ids flip about half of the 64 bits on average (avalanche).
        double flips = 0;
        int n = 1000;
        for (long id = 0; id < n; id++) {
            flips += Long.bitCount(Seeds.derive(42, Seeds.STREAM_EPISODES, id) ^ Seeds.derive(42, Seeds.STREAM_EPISODES, id + 1));
        }
        double mean = flips / n;
        assertTrue(Math.abs(mean - 32) < 1.0, "mean flipped bits " + mean);
        // And each bit is set about half of the time.
        for (int bit = 0; bit < 64; bit++) {
            int ones = 0;
            for (long id = 0; id < n; id++) {
                ones += (int) ((Seeds.derive(42, id) >>> bit) & 1);
            }
            assertTrue(ones > 400 && ones < 600, "bit " + bit + " set " + ones + " times of " + n);
        }
    }
}
