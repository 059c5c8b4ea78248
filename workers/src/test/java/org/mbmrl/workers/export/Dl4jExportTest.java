package org.mbmrl.workers.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mbmrl.workers.model.Activation;
import org.mbmrl.workers.model.GaussianMlp;
import org.mbmrl.workers.model.MlpSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The flat parameter layout is DL4J's: an exported network predicts exactly what the model does. */
class Dl4jExportTest {

    @Test
    void exportedNetworkReproducesModelOutputAfterSaveAndLoad(@TempDir Path dir) throws Exception {
        MlpSpec spec = new MlpSpec(3, 1, 2, List.of(16, 8), Activation.TANH);
        GaussianMlp model = new GaussianMlp(spec, DataType.FLOAT);
        INDArray theta = model.initialParameters(42);
        theta.addi(Nd4j.linspace(DataType.FLOAT, -0.05, 0.1 / spec.parameterCount(), spec.parameterCount()).reshape(1, -1));
        INDArray x = Nd4j.linspace(DataType.FLOAT, -1, 0.05, 5 * spec.inputDim()).reshape(5, spec.inputDim());

        File file = dir.resolve("model.zip").toFile();
        ModelSerializer.writeModel(Dl4jExport.toNetwork(spec, theta), file, false);
        MultiLayerNetwork loaded = ModelSerializer.restoreMultiLayerNetwork(file);

        INDArray out = loaded.output(x);
        GaussianMlp.Prediction p = model.predict(theta, x);
        assertEquals(spec.parameterCount(), loaded.numParams());
        // Same layout and weights; DL4J orders the bias add differently, hence a few ulps.
        assertArrayEquals(p.mean().dup().data().asFloat(), out.getColumns(0, 1, 2).dup().data().asFloat(), 1e-6f);
        // DL4J gives the raw output; the log-variance is its documented bounded transform.
        assertArrayEquals(p.logVariance().dup().data().asFloat(),
                GaussianMlp.boundLogVariance(out.getColumns(3, 4, 5).dup()).data().asFloat(), 1e-5f);
    }
}
