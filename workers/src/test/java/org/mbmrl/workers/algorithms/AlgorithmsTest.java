package org.mbmrl.workers.algorithms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mbmrl.workers.control.AdapterSettings;
import org.mbmrl.workers.learn.InnerLoop;
import org.mbmrl.workers.model.Loss;

/** The registry, each algorithm's adapters, and the validation of its section. */
class AlgorithmsTest {
    private static final CommonSettings COMMON = new CommonSettings(new InnerLoop(16, 16, 3, 0.005, Loss.NLL), 4, 0.003,
            false, new AdapterSettings(2, 0.001, 16, Loss.NLL));

    private static Algorithm bind(String name, Object... overrides) {
        MetaAlgorithm a = Algorithms.byName(name);
        return a.bind(MapSection.defaults(a, overrides), COMMON);
    }

    @Test
    void registryNamesEveryAlgorithmOnce() {
        assertEquals(List.of("pooled", "maml", "reptile", "famle", "vi", "rebal"), Algorithms.names());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Algorithms.byName("rl2"));
        assertTrue(e.getMessage().contains("rl2") && e.getMessage().contains("famle, vi, rebal"), e.getMessage());
        for (MetaAlgorithm m : Algorithms.all()) {
            Algorithm a = m.bind(MapSection.defaults(m), COMMON);
            assertEquals(m.name(), a.name());
            assertTrue(a.onlineAdapters().contains(a.defaultOnlineAdapter()), m.name());
            assertTrue(a.onlineAdapters().contains(a.metaTestAdapter()), m.name());
            assertEquals("pre_loss", a.metricNames().get(0));
            assertEquals("post_loss", a.metricNames().get(1));
            assertEquals(a.taskStateWidth(), a.initialTaskState(5, 1).length, m.name());
        }
    }

    @Test
    void adaptersFitTheirAlgorithms() {
        assertEquals("none", bind("pooled").defaultOnlineAdapter());
        assertEquals("gradient", bind("pooled").metaTestAdapter());
        assertEquals("gradient", bind("maml").defaultOnlineAdapter());
        assertEquals(List.of("famle", "none"), bind("famle").onlineAdapters());
        assertEquals(List.of("vi", "none"), bind("vi").onlineAdapters());
        // MB+DE has its own k and alpha; GrBAL adapts as it was meta-trained.
        assertEquals(COMMON.finetune(), bind("pooled").adapterDefaults("finetune"));
        assertEquals(AdapterSettings.of(COMMON.inner()), bind("maml").adapterDefaults("gradient"));
        assertEquals(new AdapterSettings(20, 0.5, 16, Loss.NLL), bind("vi").adapterDefaults("vi"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bind("maml").adapterDefaults("famle"));
        assertEquals("online adapter 'famle' does not fit algorithm maml (its adapters: gradient, finetune, none)",
                e.getMessage());
        assertEquals(4, bind("famle").contextDim());
        assertEquals(4, bind("famle").taskStateWidth());
        assertEquals(2, bind("vi").contextDim());
        assertEquals(4, bind("vi").taskStateWidth());
        assertEquals(List.of("rebal", "none"), bind("rebal").onlineAdapters());
        assertEquals(16, bind("rebal").contextDim());
        assertEquals(0, bind("rebal").taskStateWidth());
        // The hidden state is a function of the window: only M applies.
        assertEquals(new AdapterSettings(0, 0.0, 16, Loss.NLL), bind("rebal").adapterDefaults("rebal"));
        org.mbmrl.workers.model.MlpSpec mlp = new org.mbmrl.workers.model.MlpSpec(3, 1, 16, List.of(8),
                org.mbmrl.workers.model.Activation.TANH);
        assertEquals(mlp, bind("maml").modelSpec(mlp));
        assertEquals(new org.mbmrl.workers.model.RecurrentSpec(mlp), bind("rebal").modelSpec(mlp));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "famle | embedding_dim | 0 | famle.embedding_dim must be >= 1; got 0",
        "famle | lr | -0.1 | famle.lr must be a finite number >= 0; got -0.1",
        "famle | embedding_lr | -1.0 | famle.embedding_lr must be a finite number >= 0; got -1.0",
        "famle | epsilon | 0.0 | famle.epsilon must be in (0, 1]; got 0.0",
        "famle | embedding_epsilon | 1.5 | famle.embedding_epsilon must be in [0, 1]; got 1.5",
        "vi | latent_dim | 0 | vi.latent_dim must be >= 1; got 0",
        "vi | beta | -0.5 | vi.beta must be a finite number >= 0; got -0.5",
        "vi | inference_lr | -0.01 | vi.inference_lr must be a finite number >= 0; got -0.01",
        "vi | inference_beta | -0.01 | vi.inference_beta must be a finite number >= 0; got -0.01",
        "vi | posterior_steps | -1 | vi.posterior_steps must be >= 0; got -1",
        "reptile | epsilon | 2.0 | reptile.epsilon must be in (0, 1]; got 2.0",
        "rebal | hidden_dim | 0 | rebal.hidden_dim must be >= 1; got 0",
    })
    void badSettingsNameTheKeyAndValue(String algorithm, String key, String value, String message) {
        Object v = value.contains(".") ? (Object) Double.valueOf(value) : (Object) Integer.valueOf(value);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bind(algorithm, key, v));
        assertEquals(message, e.getMessage());
    }

    @Test
    void typesAreCheckedByTheSection() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bind("famle", "embedding_dim", 2.5));
        assertEquals("famle.embedding_dim must be an integer; got 2.5", e.getMessage());
    }
}
