package org.mbmrl.datasets.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskFamiliesTest {

    @Test
    void knownFamilies() {
        List<String> names = TaskFamilies.names();
        assertEquals(List.of(CartPole.NAME, Pendulum.NAME, QuadrotorPayload.NAME, ReacherDamage.NAME, Slope.NAME), names);
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        assertEquals(sorted, names);
        for (String name : names) {
            assertEquals(name, TaskFamilies.byName(name).name());
        }
        assertTrue(TaskFamilies.byName("pendulum") instanceof Pendulum);
        assertTrue(TaskFamilies.byName("cartpole") instanceof CartPole);
        assertTrue(TaskFamilies.byName("quadrotor-payload") instanceof QuadrotorPayload);
        assertTrue(TaskFamilies.byName("reacher-damage") instanceof ReacherDamage);
        assertTrue(TaskFamilies.byName("slope") instanceof Slope);
    }

    @Test
    void unknownFamilyListsKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TaskFamilies.byName("acrobot"));
        assertTrue(e.getMessage().contains("'acrobot'"), e.getMessage());
        assertTrue(e.getMessage().contains("known: " + String.join(", ", TaskFamilies.names())), e.getMessage());
        assertTrue(e.getMessage().contains("pendulum"), e.getMessage());
        // Names are case-sensitive.
        assertThrows(IllegalArgumentException.class, () -> TaskFamilies.byName("Pendulum"));
        assertThrows(IllegalArgumentException.class, () -> TaskFamilies.byName("quadrotor_payload"));
    }
}
