package org.mbmrl.driver.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.util.ModelSerializer;
import org.mbmrl.datasets.Split;
import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.driver.UserError;
import org.mbmrl.driver.checkpoint.Checkpoint;
import org.mbmrl.driver.checkpoint.CheckpointManifest;
import org.mbmrl.driver.checkpoint.CheckpointStore;
import org.mbmrl.driver.checkpoint.Files;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.driver.data.DatasetReader;
import org.mbmrl.workers.export.Dl4jExport;
import org.mbmrl.workers.learn.Adaptation;
import org.mbmrl.workers.learn.InnerLoop;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.GaussianMlp;
import org.mbmrl.workers.model.MlpSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a checkpoint's model, or the model adapted to one task, as a DL4J MultiLayerNetwork file",
            "(ModelSerializer) plus its manifest."})
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SparkOptions spark;

    @Parameters(paramLabel = "CHECKPOINT", description = "A checkpoint directory, or a run directory (its newest checkpoint).")
    String location;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "DL4J model file to write, e.g. model.zip.")
    File out;

    @Option(names = "--adapt-task", paramLabel = "ID",
            description = "Export theta adapted by the run's inner loop on the first M transitions of this task of the run's dataset.")
    Long adaptTask;

    @Override
    public Integer call() throws Exception {
        if (out.exists()) {
            throw new UserError("output already exists: " + out);
        }
        Configuration conf = new Configuration();
        Path dir = CheckpointLocator.resolve(location, conf);
        Checkpoint c = CheckpointStore.readDirectory(Files.rawFs(dir, conf), dir);
        MlpSpec model = CheckpointManifest.spec(c.manifest());
        INDArray theta = c.array("theta").reshape(1, model.parameterCount()).castTo(DataType.FLOAT);
        ObjectNode manifest = c.manifest().deepCopy();
        if (adaptTask != null) {
            theta = adapted(theta, model, c, manifest);
        }
        File tmp = new File(out.getAbsoluteFile().getParentFile(), "." + out.getName() + ".tmp");
        ModelSerializer.writeModel(Dl4jExport.toNetwork(model, theta), tmp, false);
        File manifestFile = new File(out.getPath() + ".manifest.json");
        CheckpointStore.JSON.writeValue(manifestFile, manifest);
        if (!tmp.renameTo(out)) {
            throw new java.io.IOException("cannot rename " + tmp + " to " + out);
        }
        spec.commandLine().getOut().println("wrote " + out + " (DL4J MultiLayerNetwork; output = [mean | q] of the "
                + "normalized state change, see the manifest) and " + manifestFile + " (normalizer and provenance)");
        return 0;
    }

    /** phi = theta after the run's inner loop on the first M consecutive transitions of the task. */
    private INDArray adapted(INDArray theta, MlpSpec model, Checkpoint c, ObjectNode manifest) {
        RunConfig config = CheckpointManifest.config(c.manifest(), c.name() + "/manifest.json");
        InnerLoop inner = config.adapt();
        SparkSession session = spark.session("export");
        DatasetReader data = DatasetReader.open(session, CheckpointManifest.datasetUri(c.manifest()));
        for (Split split : Split.values()) {
            long[] ids = data.taskIds(split);
            if (java.util.Arrays.binarySearch(ids, adaptTask) < 0) {
                continue;
            }
            DatasetReader.LoadedSplit loaded = data.load(split, inner.past(), config.train().partitions());
            try {
                long id = adaptTask;
                List<TaskTransitions> found = loaded.tasks().filter(t -> t.taskId() == id).collect();
                TaskTransitions task = found.get(0);
                int start = task.segmentStart(0, inner.past());
                GaussianMlp m = new GaussianMlp(model, DataType.FLOAT);
                Batch past = Batch.of(task, start, inner.past(), CheckpointManifest.normalizer(c.manifest()), new float[0],
                        DataType.FLOAT);
                ObjectNode a = manifest.putObject("adapted");
                a.put("task_id", id);
                a.put("split", split.label());
                a.put("first_row", start);
                a.put("rows", inner.past());
                a.put("steps", inner.steps());
                a.put("lr", inner.lr());
                a.put("loss", inner.loss().configName());
                return Adaptation.adapt(m, theta, past, inner.steps(), inner.lr(), inner.loss());
            } finally {
                loaded.release();
            }
        }
        throw new UserError("--adapt-task " + adaptTask + ": no such task in dataset " + data.location());
    }
}
