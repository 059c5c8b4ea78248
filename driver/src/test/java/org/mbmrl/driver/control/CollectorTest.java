package org.mbmrl.driver.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mbmrl.datasets.Split;
import org.mbmrl.driver.data.DatasetReader;

/** The seeded choice of the tasks a collection round runs on. */
class CollectorTest {

    private static List<DatasetReader.TaskParameters> tasks(int n) {
        List<DatasetReader.TaskParameters> t = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            t.add(new DatasetReader.TaskParameters(i, Split.TRAIN, new double[] {i}));
        }
        return t;
    }

    private static List<Long> ids(List<DatasetReader.TaskParameters> t) {
        return t.stream().map(DatasetReader.TaskParameters::taskId).toList();
    }

    @Test
    void sampleIsSeededSortedAndDistinctPerRound() {
        List<DatasetReader.TaskParameters> all = tasks(20);
        List<Long> a = ids(Collector.sample(all, 5, 7, 1));
        assertEquals(a, ids(Collector.sample(all, 5, 7, 1)), "same seed and round, same tasks");
        assertEquals(5, a.stream().distinct().count());
        assertEquals(a.stream().sorted().toList(), a, "in id order");
        assertNotEquals(a, ids(Collector.sample(all, 5, 7, 2)), "another round, other tasks");
        assertNotEquals(a, ids(Collector.sample(all, 5, 8, 1)), "another seed, other tasks");
        assertSame(all, Collector.sample(all, 0, 7, 1), "0 = all");
        assertSame(all, Collector.sample(all, 25, 7, 1), "more than there are = all");
    }
}
