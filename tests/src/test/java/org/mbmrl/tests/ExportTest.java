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

    /**
     * ReBAL: the decoder goes to DL4J, the GRU to a .npy whose documented layout and step
     * equations, implemented here independently, give the hidden state mbmrl computes.
     */
    @Test
    void rebalExportsItsDecoderForDl4jAndItsGruAsNpy() throws Exception {
        SharedSpark.local2();
        Path run = Fixtures.scratch("export-rebal-run");
        assertEquals(0, Fixtures.train("rebal", run, 3).exitCode());
        Path dir = Fixtures.scratch("export-rebal-out");
        Path out = dir.resolve("rebal.zip");
        SharedSpark.Run a = SharedSpark.cli("export", run.toString(), "--out", out.toString(), "--adapt-task", "16");
        assertEquals(0, a.exitCode(), a.err());
        JsonNode m = new ObjectMapper().readTree(dir.resolve("rebal.zip.manifest.json").toFile());
        JsonNode enc = m.path("encoder");
        int in = enc.path("input_dim").asInt();
        int h = enc.path("hidden_dim").asInt();
        assertEquals(2 * 3 + 1, in);
        float[] w = Nd4j.createFromNpyFile(dir.resolve(enc.path("file").asText()).toFile()).toFloatVector();
        assertEquals(3 * h * (in + h + 1), w.length);

        float[] flat = Nd4j.createFromNpyFile(run.resolve("checkpoints/iter-000003/theta.npy").toFile()).toFloatVector();
        INDArray theta = Nd4j.create(flat, new long[] {1, flat.length}, DataType.FLOAT);
        org.mbmrl.workers.model.RecurrentGaussianModel model = new org.mbmrl.workers.model.RecurrentSpec(
                new MlpSpec(3, 1, h, java.util.List.of(16, 16), Activation.TANH)).create(DataType.FLOAT);
        // A window of 5 normalized transitions [s | a | ds]: mbmrl's encoder against the documented equations.
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        double[] x = new double[5 * (4 + h)];
        double[] y = new double[5 * 3];
        for (int t = 0; t < 5; t++) {
            for (int j = 0; j < 4; j++) {
                x[t * (4 + h) + j] = r.nextDouble(-1, 1);
            }
            for (int j = 0; j < 3; j++) {
                y[t * 3 + j] = r.nextDouble(-1, 1);
            }
        }
        org.mbmrl.workers.model.Batch window = new org.mbmrl.workers.model.Batch(
                Nd4j.create(x, new long[] {5, 4 + h}, DataType.DOUBLE).castTo(DataType.FLOAT),
                Nd4j.create(y, new long[] {5, 3}, DataType.DOUBLE).castTo(DataType.FLOAT));
        double[] mbmrl = model.encode(theta, window);
        double[] state = new double[h];
        for (int t = 0; t < 5; t++) {
            double[] u = new double[in];
            for (int j = 0; j < 4; j++) {
                u[j] = (float) x[t * (4 + h) + j];
            }
            for (int j = 0; j < 3; j++) {
                u[4 + j] = (float) y[t * 3 + j];
            }
            state = gruStep(w, in, h, u, state);
        }
        assertArrayEquals(mbmrl, state, 1e-5);

        // The DL4J decoder with the adapted hidden state as its last inputs predicts as mbmrl's model does.
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(out.toFile());
        double[] context = new double[h];
        for (int j = 0; j < h; j++) {
            context[j] = m.path("adapted").path("context").get(j).asDouble();
        }
        INDArray rows = Nd4j.zeros(DataType.FLOAT, 2, 4 + h);
        for (int b = 0; b < 2; b++) {
            for (int j = 0; j < 4; j++) {
                rows.putScalar(b, j, 0.3 * (j - b));
            }
            for (int j = 0; j < h; j++) {
                rows.putScalar(b, 4 + j, context[j]);
            }
        }
        INDArray mean = model.predict(theta, rows).mean();
        assertArrayEquals(mean.dup().data().asFloat(), net.output(rows).getColumns(0, 1, 2).dup().data().asFloat(), 1e-5f);
    }

    /** One GRU step as the export's manifest documents it. */
    private static double[] gruStep(float[] p, int in, int h, double[] u, double[] prev) {
        int g = 3 * h;
        int uOff = in * g;
        int bOff = (in + h) * g;
        double[] z = new double[h];
        double[] rr = new double[h];
        double[] next = new double[h];
        for (int j = 0; j < h; j++) {
            double az = p[bOff + j];
            double ar = p[bOff + h + j];
            for (int i = 0; i < in; i++) {
                az += u[i] * p[i * g + j];
                ar += u[i] * p[i * g + h + j];
            }
            for (int k = 0; k < h; k++) {
                az += prev[k] * p[uOff + k * g + j];
                ar += prev[k] * p[uOff + k * g + h + j];
            }
            z[j] = 1 / (1 + Math.exp(-az));
            rr[j] = 1 / (1 + Math.exp(-ar));
        }
        for (int j = 0; j < h; j++) {
            double an = p[bOff + 2 * h + j];
            for (int i = 0; i < in; i++) {
                an += u[i] * p[i * g + 2 * h + j];
            }
            for (int k = 0; k < h; k++) {
                an += rr[k] * prev[k] * p[uOff + k * g + 2 * h + j];
            }
            next[j] = (1 - z[j]) * Math.tanh(an) + z[j] * prev[j];
        }
        return next;
    }
}
