package org.mbmrl.driver.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.util.ModelSerializer;
import org.mbmrl.datasets.Split;
import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.driver.UserError;
import org.mbmrl.datasets.Seeds;
import org.mbmrl.driver.checkpoint.CheckpointStore;
import org.mbmrl.driver.checkpoint.Files;
import org.mbmrl.driver.checkpoint.TrainedRun;
import org.mbmrl.driver.config.RunConfig;
import org.mbmrl.driver.data.DatasetReader;
import org.mbmrl.workers.algorithms.Algorithm;
import org.mbmrl.workers.control.AdaptedModel;
import org.mbmrl.workers.control.AdapterSettings;
import org.mbmrl.workers.control.OnlineAdapter;
import org.mbmrl.workers.export.Dl4jExport;
import org.mbmrl.workers.learn.InnerLoop;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.model.MlpSpec;
import org.mbmrl.workers.model.ModelSpec;
import org.mbmrl.workers.model.ExportedSideArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.factory.Nd4j;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "export", mixinStandardHelpOptions = true,
        header = "Write a checkpoint's model, or one adapted to a task, for DL4J.",
        description = {"Write a checkpoint's model, or the model adapted to one task, as a DL4J MultiLayerNetwork file",
            "(ModelSerializer) plus its manifest."})
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Mixin
    SparkOptions spark;

    @Parameters(paramLabel = "CHECKPOINT", description = "A checkpoint directory, or a run directory (its newest checkpoint).")
    String location;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "DL4J model file to write, e.g. model.zip.")
    File out;

    @Option(names = "--adapt-task", paramLabel = "ID",
            description = "Export the model adapted by the algorithm's meta-test adaptation on the first M transitions of this task"
                    + " of the run's dataset (its context, if any, is in the manifest).")
    Long adaptTask;

    @Option(names = TrainedRun.ALLOW_CHANGED_DATASET,
            description = "With --adapt-task: use the run's dataset even if it changed since the checkpoint was trained on it.")
    boolean allowChangedDataset;

    @Override
    public Integer call() throws Exception {
        if (out.getPath().isBlank()) {
            throw new UserError("--out: empty path");
        }
        if (out.isDirectory()) {
            throw new UserError("--out " + out + " is a directory; give the model file to write, e.g. " + out + "/model.zip");
        }
        if (out.exists()) {
            throw new UserError("output already exists: " + out);
        }
        File parent = out.getAbsoluteFile().getParentFile();
        if (parent == null || !parent.isDirectory()) {
            throw new UserError("--out " + out + ": directory " + parent + " does not exist");
        }
        Configuration conf = new Configuration();
        Path dir = CheckpointLocator.resolve(location, conf);
        TrainedRun run = TrainedRun.openCheckpoint(Files.rawFs(dir, conf), dir);
        ModelSpec spec = run.spec;
        MlpSpec model = spec.mlp();
        INDArray theta = Nd4j.create(run.theta, new long[] {1, run.theta.length}, DataType.FLOAT);
        ObjectNode manifest = run.checkpoint.manifest().deepCopy();
        Optional<ExportedSideArray> side = spec.exportedSideArray();
        if (adaptTask != null) {
            theta = adapted(run, manifest);
        } else if (model.contextDim() > 0) {
            manifest.put("context", side.map(ExportedSideArray::contextNote).orElse(
                    "the network's last " + model.contextDim() + " inputs take the context: the training"
                            + " tasks' rows of the checkpoint's task_state.npy, or, adapted to a task, see export --adapt-task"));
        }
        // Every file is written hidden, then renamed, the model file last, so a model file never lacks its companions.
        File tmp = new File(parent, "." + out.getName() + ".tmp");
        File manifestFile = new File(out.getPath() + ".manifest.json");
        File manifestTmp = new File(parent, "." + manifestFile.getName() + ".tmp");
        File sideFile = side.map(a -> new File(out.getPath() + "." + a.name() + ".npy")).orElse(null);
        File sideTmp = sideFile == null ? null : new File(parent, "." + sideFile.getName() + ".tmp");
        if (side.isPresent()) {
            ExportedSideArray a = side.get();
            if (sideFile.exists()) {
                throw new UserError("output already exists: " + sideFile);
            }
            INDArray values = theta.get(NDArrayIndex.point(0), NDArrayIndex.interval(a.offset(), a.offset() + a.count()))
                    .reshape(1, a.count()).dup('c');
            java.nio.file.Files.write(sideTmp.toPath(), Nd4j.toNpyByteArray(values));
            ObjectNode e = manifest.putObject(a.name());
            e.put("file", sideFile.getName());
            e.setAll(CheckpointStore.JSON.<ObjectNode>valueToTree(a.description()));
        }
        if (spec.parameterCount() > model.parameterCount()) {
            // The network takes the MLP's own parameters; an encoder or learned step sizes follow them in theta.
            theta = theta.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, model.parameterCount()))
                    .reshape(1, model.parameterCount()).dup('c');
        }
        ModelSerializer.writeModel(Dl4jExport.toNetwork(model, theta), tmp, false);
        CheckpointStore.JSON.writeValue(manifestTmp, manifest);
        if (!manifestTmp.renameTo(manifestFile)) {
            throw new java.io.IOException("cannot rename " + manifestTmp + " to " + manifestFile);
        }
        if (sideTmp != null && !sideTmp.renameTo(sideFile)) {
            throw new java.io.IOException("cannot rename " + sideTmp + " to " + sideFile);
        }
        if (!tmp.renameTo(out)) {
            throw new java.io.IOException("cannot rename " + tmp + " to " + out);
        }
        command.commandLine().getOut().println("wrote " + out + " (DL4J MultiLayerNetwork; output = [mean | q] of the "
                + "normalized state change, see the manifest) and " + manifestFile + " (normalizer and provenance)"
                + (sideFile != null ? " and " + sideFile + " (layout in the manifest under " + side.get().name() + ")" : ""));
        return 0;
    }

    /**
     * The model adapted by the algorithm's meta-test adapter (GrBAL's inner loop, FAMLE's eq. 17
     * + 18, VI's eq. 23) on the first M consecutive transitions of the task; the context it gives
     * is recorded in the manifest ({@code adapted.context}).
     */
    private INDArray adapted(TrainedRun run, ObjectNode manifest) {
        RunConfig config = run.config;
        InnerLoop inner = config.adapt();
        Algorithm algorithm = config.algorithm();
        SparkSession session = spark.session("export");
        DatasetReader data = run.openTrainingData(session, allowChangedDataset);
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
                DynamicsModel m = run.spec.create(DataType.FLOAT);
                Batch past = Batch.of(task, start, inner.past(), run.normalizer, m.contextDim(), DataType.FLOAT);
                String adapterName = algorithm.metaTestAdapter();
                AdapterSettings settings = algorithm.adapterDefaults(adapterName).with(null, null, inner.past());
                OnlineAdapter adapter = algorithm.onlineAdapter(adapterName, m,
                        Nd4j.create(run.theta, new long[] {1, run.theta.length}, DataType.FLOAT), run.taskState, settings,
                        Seeds.derive(config.seed(), Seeds.STREAM_EVAL, id));
                AdaptedModel adapted = adapter.adapt(past);
                ObjectNode a = manifest.putObject("adapted");
                a.put("task_id", id);
                a.put("split", split.label());
                a.put("first_row", start);
                a.put("rows", inner.past());
                a.put("adapter", adapterName);
                a.put("steps", settings.steps());
                a.put("lr", settings.lr());
                a.put("loss", settings.loss().configName());
                ArrayNode context = a.putArray("context");
                for (double c : adapted.context()) {
                    context.add(c);
                }
                return adapted.parameters().dup();
            } finally {
                loaded.release();
            }
        }
        throw new UserError("--adapt-task " + adaptTask + ": no such task in dataset " + data.location());
    }
}
