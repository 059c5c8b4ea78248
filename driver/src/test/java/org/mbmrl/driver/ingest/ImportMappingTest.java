package org.mbmrl.driver.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mbmrl.driver.UserError;

/** The import mapping: defaults per format, overrides from YAML, and the checks made at construction. */
class ImportMappingTest {
    @TempDir
    Path dir;

    @Test
    void lerobotDefaultsAndOverrides() throws Exception {
        ImportMapping d = ImportMapping.defaults(ImportFormat.LEROBOT);
        assertEquals("external", d.family());
        assertEquals("observation.state[2]", d.observationLabel(2));
        assertEquals(SplitRule.DEFAULT, d.split());
        Path f = dir.resolve("m.yaml");
        Files.writeString(f, "task: episode_index\nsplit: {column: part}\n");
        UserError twice = assertThrows(UserError.class, () -> ImportMapping.load(ImportFormat.LEROBOT, f));
        assertTrue(twice.getMessage().contains("column 'episode_index' is named twice (episode and task)"), twice.getMessage());
        Files.writeString(f, "task: robot\nsplit: {column: part}\nparams: [mass]\n");
        ImportMapping m = ImportMapping.load(ImportFormat.LEROBOT, f);
        assertEquals("robot", m.task());
        assertEquals(SplitRule.column("part"), m.split());
        assertEquals(List.of("mass"), m.params());
        assertEquals("episode_index", m.episode());
    }

    @Test
    void badMappingsNameTheField() throws Exception {
        Path f = dir.resolve("m.yaml");
        Files.writeString(f, "observation: [a, b]\naction: u\nepisode: e\nstep: t\nsplit: {seed: 3, test: 0.6, ood: 0.5}\n");
        UserError e = assertThrows(UserError.class, () -> ImportMapping.load(ImportFormat.CSV, f));
        assertTrue(e.getMessage().contains("split.test + split.ood must be < 1"), e.getMessage());
        Files.writeString(f, "observation: [a, b]\naction: u\nepisode: e\nstep: t\nobservations: x\n");
        e = assertThrows(UserError.class, () -> ImportMapping.load(ImportFormat.CSV, f));
        assertTrue(e.getMessage().contains("unknown key 'observations'"), e.getMessage());
        Files.writeString(f, "observation: [a, b]\naction: u\nstep: t\n");
        e = assertThrows(UserError.class, () -> ImportMapping.load(ImportFormat.CSV, f));
        assertTrue(e.getMessage().contains("episode is required for --format csv"), e.getMessage());
        e = assertThrows(UserError.class, () -> ImportMapping.load(ImportFormat.PARQUET, null));
        assertTrue(e.getMessage().contains("needs --mapping"), e.getMessage());
        IllegalArgumentException lists = assertThrows(IllegalArgumentException.class,
                () -> SplitRule.lists(List.of("a", "b"), List.of("b")));
        assertTrue(lists.getMessage().contains("task 'b' is in both"), lists.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImportFormat.parse("hdf5"));
        assertEquals(ImportFormat.MINARI, ImportFormat.parse("Minari"));
    }
}
