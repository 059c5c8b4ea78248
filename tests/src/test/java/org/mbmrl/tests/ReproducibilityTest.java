package org.mbmrl.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same config and seed give the same theta bytes on {@code local[1]} and
 * {@code local[2]}, and a run resumed from a middle checkpoint ends with the same bytes as
 * an uninterrupted one.
 */
class ReproducibilityTest {

    @ParameterizedTest
    @ValueSource(strings = {"maml", "reptile", "pooled"})
    void sameBytesOnOneAndTwoThreadsAndAfterResume(String algorithm) {
        String[] extra = algorithm.equals("maml") ? new String[] {"train.second_order=true"} : new String[0];
        SharedSpark.session("local[2]");
        Path two = Fixtures.scratch(algorithm + "-local2");
        assertEquals(0, Fixtures.train(algorithm, two, 6, extra).exitCode());

        Path resumed = Fixtures.scratch(algorithm + "-resumed");
        assertEquals(0, Fixtures.train(algorithm, resumed, 3, extra).exitCode());
        assertArrayEquals(Fixtures.theta(two, "iter-000003"), Fixtures.theta(resumed, "iter-000003"));
        java.util.List<String> args = new java.util.ArrayList<>(Fixtures.trainArgs(algorithm, resumed, 6, extra));
        args.add("--resume");
        SharedSpark.Run r = SharedSpark.cli(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());

        SharedSpark.session("local[1]");
        Path one = Fixtures.scratch(algorithm + "-local1");
        assertEquals(0, Fixtures.train(algorithm, one, 6, extra).exitCode());

        byte[] reference = Fixtures.theta(two, "iter-000006");
        assertArrayEquals(reference, Fixtures.theta(one, "iter-000006"), "local[1] vs local[2]");
        assertArrayEquals(reference, Fixtures.theta(resumed, "iter-000006"), "resumed vs uninterrupted");
        // Training moved theta (the comparison is not between two untouched initialisations).
        assertFalse(Arrays.equals(reference, Fixtures.theta(two, "iter-000003")));
        SharedSpark.session("local[2]");
    }
}
