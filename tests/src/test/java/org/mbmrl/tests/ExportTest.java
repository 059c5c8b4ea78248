package org.mbmrl.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.mbmrl.workers.model.GaussianMlp;
import org.mbmrl.workers.model.MlpSpec;
import org.mbmrl.workers.model.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** `mbmrl export` writes trained and adapted models that DL4J loads with ModelSerializer. */
class ExportTest {

    @Test
    void trainedAndAdaptedModelsLoadInDl4j() throws Exception {
        SharedSpark.local2();
        Path run = Fixtures.scratch("export-run");
        assertEquals(0, Fixtures.train("maml", run, 3).exitCode());
        Path dir = Fixtures.scratch("export-out");
        Path trained = dir.resolve("trained.zip");
        Path adapted = dir.resolve("adapted.zip");
        SharedSpark.Run a = SharedSpark.cli("export", run.toString(), "--out", trained.toString());
        assertEquals(0, a.exitCode(), a.err());
        SharedSpark.Run b = SharedSpark.cli("export", run.toString(), "--out", adapted.toString(), "--adapt-task", "16");
        assertEquals(0, b.exitCode(), b.err());

        MultiLayerNetwork t = ModelSerializer.restoreMultiLayerNetwork(trained.toFile());
        MultiLayerNetwork p = ModelSerializer.restoreMultiLayerNetwork(adapted.toFile());
        INDArray theta = Nd4j.createFromNpyFile(run.resolve("checkpoints/iter-000003/theta.npy").toFile())
                .reshape(1, t.numParams()).castTo(DataType.FLOAT);
        assertArrayEquals(theta.toFloatVector(), t.params().toFloatVector(), 0f);
        assertFalse(java.util.Arrays.equals(t.params().toFloatVector(), p.params().toFloatVector()), "adaptation moved theta");

        MlpSpec spec = new MlpSpec(3, 1, 0, java.util.List.of(16, 16), Activation.TANH);
        INDArray x = Nd4j.linspace(DataType.FLOAT, -1, 0.1, 8).reshape(2, 4);
        INDArray mean = new GaussianMlp(spec, DataType.FLOAT).predict(theta, x).mean();
        assertArrayEquals(mean.dup().data().asFloat(), t.output(x).getColumns(0, 1, 2).dup().data().asFloat(), 1e-5f);

        JsonNode m = new ObjectMapper().readTree(dir.resolve("adapted.zip.manifest.json").toFile());
        assertEquals(16, m.path("adapted").path("task_id").asInt());
        assertEquals("ood", m.path("adapted").path("split").asText());
        assertTrue(m.path("normalizer").has("input_mean"));
    }
}
