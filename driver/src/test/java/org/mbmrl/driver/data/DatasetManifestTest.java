package org.mbmrl.driver.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** dataset.json's checks: family external takes its dimensions from the data; registered families keep theirs. */
class DatasetManifestTest {
    private static DatasetManifest of(String family, int ds, int da, List<String> params) {
        return new DatasetManifest(1, family, ds, da, params, 4, 1, 1, 2, 30, 0, "import:csv");
    }

    @Test
    void externalTakesAnyDimensions() {
        assertTrue(of("external", 7, 2, List.of()).validate("d").isExternal());
        assertTrue(of("external", 1, 1, List.of("mass")).validate("d").isExternal());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> of("external", 0, 1, List.of()).validate("d"));
        assertTrue(zero.getMessage().contains("observation_dim and action_dim must be >= 1"), zero.getMessage());
        IllegalArgumentException names = assertThrows(IllegalArgumentException.class,
                () -> of("external", 3, 1, null).validate("d"));
        assertTrue(names.getMessage().contains("parameter_names is required"), names.getMessage());
    }

    @Test
    void registeredFamiliesKeepTheirChecks() {
        of("pendulum", 3, 1, List.of("mass", "length", "damping")).validate("d");
        IllegalArgumentException dims = assertThrows(IllegalArgumentException.class,
                () -> of("pendulum", 7, 2, List.of()).validate("d"));
        assertTrue(dims.getMessage().contains("do not match family pendulum"), dims.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> of("pendulumm", 3, 1, List.of()).validate("d"));
        assertTrue(unknown.getMessage().startsWith("d: "), unknown.getMessage());
    }
}
