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
import org.mbmrl.workers.model.Loss;

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
        assertEquals("reptile", c.algorithm().name());
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
        assertTrue(failure(List.of("algorithm=reptile", "reptile.epsilon=2")).getMessage().contains("reptile.epsilon must be in (0, 1]"));
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

    @Test
    void controlDefaultsFollowTheAlgorithmAndTheInnerLoop() {
        RunConfig maml = ConfigLoader.load(null, List.of("dataset=d", "run_dir=r", "adapt.past=24", "adapt.steps=2"));
        assertEquals("gradient", maml.control().adapter());
        assertEquals(24, maml.control().adapterSettings().window());
        assertEquals(2, maml.control().adapterSettings().steps());
        assertEquals(0.005, maml.control().adapterSettings().lr());
        assertEquals("cem", maml.control().planner().type().configName());
        assertEquals(15, maml.control().planner().horizon());
        assertEquals(50, maml.control().changeStep(100), "null: half the episode");
        assertEquals(1, maml.train().rounds());
        RunConfig pooled = ConfigLoader.load(null, List.of("dataset=d", "run_dir=r", "algorithm=pooled",
                "control.adapter.window=7", "control.change_step=-1", "control.planner.type=mppi"));
        assertEquals("none", pooled.control().adapter());
        assertEquals(7, pooled.control().adapterSettings().window());
        assertEquals(-1, pooled.control().changeStep(100));
        assertEquals("mppi", pooled.control().planner().type().configName());
        RunConfig finetune = ConfigLoader.load(null, List.of("dataset=d", "run_dir=r", "control.adapter.type=finetune"));
        assertEquals("finetune", finetune.control().adapter());
    }

    @Test
    void eachAdapterStepsOnTheLossItsModelWasTrainedFor() {
        List<String> mse = List.of("dataset=d", "run_dir=r", "adapt.loss=mse");
        RunConfig grbal = ConfigLoader.load(null, mse);
        assertEquals(Loss.MSE, grbal.adapt().loss());
        assertEquals(Loss.MSE, grbal.control().adapterSettings().loss(), "GrBAL adapts as it was meta-trained");
        List<String> finetune = new java.util.ArrayList<>(mse);
        finetune.add("control.adapter.type=finetune");
        assertEquals(Loss.NLL, ConfigLoader.load(null, finetune).control().adapterSettings().loss(),
                "dynamic evaluation keeps training on the NLL");
        assertEquals(Loss.NLL, ConfigLoader.load(null, REQUIRED).control().adapterSettings().loss());
        assertEquals("adapt.loss=mse needs algorithm maml (reptile trains the variance only through its inner loss,"
                + " so it adapts on the nll); got algorithm reptile", failure(List.of("algorithm=reptile", "adapt.loss=mse"))
                .getMessage().replaceFirst("^config: ", ""));
    }

    @Test
    void controlErrorsNameTheKey() {
        assertTrue(failure(List.of("control.planner.horizon=0")).getMessage()
                .contains("control.planner.horizon must be >= 1; got 0"));
        assertTrue(failure(List.of("control.planner.candidates=10", "control.planner.elites=11")).getMessage()
                .contains("control.planner.elites must be between 1 and control.planner.candidates (10); got 11"));
        assertTrue(failure(List.of("control.planner.type=foo")).getMessage()
                .contains("control.planner.type must be one of random, cem, mppi; got foo"));
        assertTrue(failure(List.of("control.planner.type=3")).getMessage().contains("control.planner.type must be a string"));
        assertTrue(failure(List.of("control.adapter.lr=-1")).getMessage().contains("control.adapter.lr (alpha)"));
        assertEquals("config: control.adapter.type 'x' does not fit algorithm maml (its adapters: gradient, finetune, none;"
                + " or null: gradient)", failure(List.of("control.adapter.type=x")).getMessage());
        assertEquals("config: control.adapter.type 'famle' does not fit algorithm pooled (its adapters: gradient, finetune,"
                + " none; or null: none)", failure(List.of("algorithm=pooled", "control.adapter.type=famle")).getMessage());
        assertEquals("config: control.adapter.type 'gradient' does not fit algorithm vi (its adapters: vi, none; or null: vi)",
                failure(List.of("algorithm=vi", "control.adapter.type=gradient")).getMessage());
        assertTrue(failure(List.of("control.finetune.lr=-1")).getMessage().contains("control.finetune.lr (alpha)"));
        assertTrue(failure(List.of("control.change_step=-2")).getMessage().contains("control.change_step"));
        assertTrue(failure(List.of("control.episodes=0")).getMessage().contains("control.episodes must be >= 1; got 0"));
        assertTrue(failure(List.of("collect.tasks=-1")).getMessage().contains("collect.tasks must be >= 0"));
        assertTrue(failure(List.of("train.rounds=0")).getMessage().contains("train.rounds must be >= 1; got 0"));
        assertTrue(failure(List.of("train.iterations=3", "train.rounds=4")).getMessage()
                .contains("train.rounds (4) must be <= train.iterations (3)"));
        RunConfig c = ConfigLoader.load(null, REQUIRED);
        assertTrue(assertThrows(UserError.class, () -> ConfigLoader.withOverrides(c, List.of("train.lr=1"),
                List.of("control."))).getMessage().contains("only control.*"));
        assertEquals(9, ConfigLoader.withOverrides(c, List.of("control.planner.horizon=9"), List.of("control."))
                .control().planner().horizon());
    }

    @Test
    void algorithmSectionsComeFromTheRegistry() {
        RunConfig famle = ConfigLoader.load(null, List.of("dataset=d", "run_dir=r", "algorithm=famle", "famle.embedding_dim=6"));
        assertEquals(6, famle.algorithm().contextDim());
        assertEquals(6, famle.modelSpec(3, 1).contextDim());
        assertEquals("famle", famle.control().adapter());
        assertEquals(6, famle.tree().path("famle").path("embedding_dim").asInt());
        RunConfig vi = ConfigLoader.load(null, List.of("dataset=d", "run_dir=r", "algorithm=vi", "vi.inference_steps=7"));
        assertEquals("vi", vi.control().adapter());
        assertEquals(7, vi.control().adapterSettings().steps(), "vi's own inference steps");
        assertEquals(0, ConfigLoader.load(null, REQUIRED).modelSpec(3, 1).contextDim());
        // MB+DE's own k and alpha, unless control.adapter.* says otherwise.
        RunConfig de = ConfigLoader.load(null, List.of("dataset=d", "run_dir=r", "algorithm=pooled",
                "control.adapter.type=finetune"));
        assertEquals(de.control().adapterSettings().steps(), de.tree().path("control").path("finetune").path("steps").asInt());
        assertEquals(de.control().adapterSettings().lr(), de.tree().path("control").path("finetune").path("lr").asDouble());
        assertEquals("config: famle.embedding_dim must be >= 1; got 0",
                failure(List.of("algorithm=famle", "famle.embedding_dim=0")).getMessage());
        assertEquals("config: vi.latent_dim must be >= 1; got 0", failure(List.of("algorithm=vi", "vi.latent_dim=0")).getMessage());
        assertEquals("config: vi.beta must be a finite number >= 0; got -1.0",
                failure(List.of("algorithm=vi", "vi.beta=-1")).getMessage());
        assertEquals("config: famle.embedding_lr must be a finite number >= 0; got -0.1",
                failure(List.of("algorithm=famle", "famle.embedding_lr=-0.1")).getMessage());
        assertTrue(failure(List.of("famle.embedding_dimm=3")).getMessage().contains("unknown config key 'famle.embedding_dimm'"));
    }

    @Test
    void everyExampleConfigLoads() throws Exception {
        try (var files = Files.list(Path.of("..", "deploy", "configs"))) {
            List<Path> all = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            // Run configs, one per algorithm; *-mapping.yaml are import mappings (mbmrl import --mapping).
            List<Path> configs = all.stream().filter(p -> !p.toString().endsWith("-mapping.yaml")).toList();
            assertEquals(org.mbmrl.workers.algorithms.Algorithms.names().size(), configs.size(), configs.toString());
            for (Path f : configs) {
                RunConfig c = ConfigLoader.load(f, List.of());
                assertEquals(f.getFileName().toString().replace(".yaml", ""), c.algorithm().name(), f.toString());
            }
            List<Path> mappings = all.stream().filter(p -> p.toString().endsWith("-mapping.yaml")).toList();
            assertEquals(1, mappings.size(), all.toString());
            for (Path f : mappings) {
                org.mbmrl.driver.ingest.ImportMapping m = org.mbmrl.driver.ingest.ImportMapping.load(
                        org.mbmrl.driver.ingest.ImportFormat.PARQUET, f);
                assertEquals(List.of("x", "v"), m.observation(), f.toString());
            }
        }
    }
}
