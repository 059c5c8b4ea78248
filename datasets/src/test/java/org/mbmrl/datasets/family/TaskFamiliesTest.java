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
        assertTrue(names.contains(Pendulum.NAME), names.toString());
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        assertEquals(sorted, names);
        for (String name : names) {
            assertEquals(name, TaskFamilies.byName(name).name());
        }
        assertTrue(TaskFamilies.byName("pendulum") instanceof Pendulum);
    }

    @Test
    void unknownFamilyListsKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TaskFamilies.byName("cartpole"));
        assertTrue(e.getMessage().contains("'cartpole'"), e.getMessage());
        assertTrue(e.getMessage().contains("known: " + String.join(", ", TaskFamilies.names())), e.getMessage());
        assertTrue(e.getMessage().contains("pendulum"), e.getMessage());
        // Names are case-sensitive.
        assertThrows(IllegalArgumentException.class, () -> TaskFamilies.byName("Pendulum"));
    }
}
