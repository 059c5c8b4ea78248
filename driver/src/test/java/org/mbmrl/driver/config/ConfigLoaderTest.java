package org.mbmrl.driver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mbmrl.driver.UserError;

class ConfigLoaderTest {
    private static final List<String> REQUIRED = List.of("dataset=d", "run_dir=r");

    private static RuntimeException failure(List<String> sets) {
        List<String> all = new java.util.ArrayList<>(REQUIRED);
        all.addAll(sets);
        return assertThrows(RuntimeException.class, () -> ConfigLoader.load(null, all));
    }

    @Test
    void defaultsAndOverrides() {
        RunConfig c = ConfigLoader.load(null, List.of("dataset=d", "run_dir=r", "train.lr=0.01", "model.hidden=[8, 4]",
                "algorithm=reptile", "train.second_order=true"));
        assertEquals(RunConfig.Algorithm.REPTILE, c.algorithm());
        assertEquals(0.01, c.train().lr());
        assertEquals(List.of(8, 4), c.model().hidden());
        assertTrue(c.train().secondOrder());
        assertEquals(16, c.adapt().past());
    }

    @Test
    void yamlFileIsMergedOntoDefaults(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("run.yaml");
        Files.writeString(f, "dataset: data\nrun_dir: runs/a\ntrain:\n  iterations: 7\n");
        RunConfig c = ConfigLoader.load(f, List.of("train.meta_batch=3"));
        assertEquals(7, c.train().iterations());
        assertEquals(3, c.train().metaBatch());
        assertEquals("data", c.dataset());
    }

    @Test
    void errorsNameTheKeyAndValue(@TempDir Path dir) throws Exception {
        assertTrue(failure(List.of("train.lrr=0.1")).getMessage().contains("unknown config key 'train.lrr'"));
        assertTrue(failure(List.of("algorithm=foo")).getMessage().contains("'foo'"));
        assertTrue(failure(List.of("train.lr=-0.1")).getMessage().contains("train.lr must be a finite number > 0; got -0.1"));
        assertTrue(failure(List.of("adapt.past=0")).getMessage().contains("adapt.past (M) must be >= 1; got 0"));
        assertTrue(failure(List.of("train.iterations=abc")).getMessage().contains("train.iterations must be an integer"));
        assertTrue(failure(List.of("model.activation=sigmoid")).getMessage().contains("'sigmoid'"));
        assertTrue(failure(List.of("reptile.epsilon=2")).getMessage().contains("reptile.epsilon must be in (0, 1]"));
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "dataset: d\nrun_dir: r\nmodel:\n  hiden: [3]\n");
        UserError e = assertThrows(UserError.class, () -> ConfigLoader.load(f, List.of()));
        assertTrue(e.getMessage().contains("unknown config key 'model.hiden'") && e.getMessage().contains(f.toString()));
        assertTrue(assertThrows(UserError.class, () -> ConfigLoader.load(null, List.of("run_dir=r")))
                .getMessage().contains("dataset is required"));
    }

    @Test
    void firstDifferenceIgnoresAllowedKeys() {
        RunConfig a = ConfigLoader.load(null, List.of("dataset=d", "run_dir=r"));
        RunConfig b = ConfigLoader.load(null, List.of("dataset=d", "run_dir=r", "train.iterations=999"));
        RunConfig c = ConfigLoader.load(null, List.of("dataset=d", "run_dir=r", "train.lr=0.5"));
        assertNull(ConfigLoader.firstDifference(a.tree(), b.tree(), "", List.of("train.iterations")));
        assertEquals("train.lr: 0.003 vs 0.5", ConfigLoader.firstDifference(a.tree(), c.tree(), "", List.of()));
    }
}
