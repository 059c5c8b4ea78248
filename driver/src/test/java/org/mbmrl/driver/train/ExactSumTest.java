package org.mbmrl.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactSumTest {

    private static List<float[]> contributions(int n, int length, long seed) {
        Random r = new Random(seed);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] v = new float[length];
            for (int j = 0; j < length; j++) {
                // Mixed magnitudes make float addition order-dependent.
                v[j] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 4));
            }
            out.add(v);
        }
        return out;
    }

    @Test
    void resultDoesNotDependOnOrderOrGrouping() {
        List<float[]> c = contributions(20, 500, 3);
        ExactSum reference = new ExactSum();
        for (int i = 0; i < c.size(); i++) {
            reference.add(i, c.get(i));
        }
        double[] expected = reference.mean();
        for (long seed = 0; seed < 10; seed++) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < c.size(); i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(seed));
            // Split into partitions of varying size, sum each, merge in a shuffled order.
            List<ExactSum> parts = new ArrayList<>();
            int i = 0;
            Random sizes = new Random(seed + 100);
            while (i < order.size()) {
                ExactSum p = new ExactSum();
                int n = 1 + sizes.nextInt(5);
                for (int k = 0; k < n && i < order.size(); k++, i++) {
                    p.add(order.get(i), c.get(order.get(i)));
                }
                parts.add(p);
            }
            Collections.shuffle(parts, new Random(seed + 7));
            ExactSum total = new ExactSum();
            for (ExactSum p : parts) {
                total.merge(p);
            }
            assertEquals(c.size(), total.count());
            assertArrayEquals(expected, total.mean(), 0.0);
        }
    }

    @Test
    void plainFloatSumsWouldDifferSoTheTestCanFail() {
        List<float[]> c = contributions(20, 500, 3);
        float[] forward = new float[500];
        float[] backward = new float[500];
        for (int i = 0; i < c.size(); i++) {
            for (int j = 0; j < 500; j++) {
                forward[j] += c.get(i)[j];
                backward[j] += c.get(c.size() - 1 - i)[j];
            }
        }
        assertNotEquals(java.util.Arrays.toString(forward), java.util.Arrays.toString(backward));
    }

    @Test
    void meanIsAccurate() {
        ExactSum s = new ExactSum();
        s.add(1, new float[] {1.5f, -2.25f, 1e-3f});
        s.add(2, new float[] {0.5f, 0.25f, 3e-3f});
        double[] m = s.mean();
        assertEquals(1.0, m[0], 0.0);
        assertEquals(-1.0, m[1], 0.0);
        assertEquals(2e-3, m[2], 1e-9);
    }

    @Test
    void divergedContributionsAreRejectedWithTheTask() {
        ExactSum s = new ExactSum();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.add(17, new float[] {1f, Float.NaN}));
        assertTrue(e.getMessage().contains("task 17") && e.getMessage().contains("NaN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ExactSum().add(3, new float[] {1e7f}));
    }
}
