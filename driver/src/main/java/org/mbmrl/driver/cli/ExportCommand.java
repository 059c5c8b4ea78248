package org.mbmrl.driver.cli;

import java.io.File;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.util.ModelSerializer;
import org.mbmrl.driver.UserError;
import org.mbmrl.driver.checkpoint.Checkpoint;
import org.mbmrl.driver.checkpoint.CheckpointManifest;
import org.mbmrl.driver.checkpoint.CheckpointStore;
import org.mbmrl.driver.checkpoint.Files;
import org.mbmrl.workers.export.Dl4jExport;
import org.mbmrl.workers.model.MlpSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a checkpoint's model as a DL4J MultiLayerNetwork file (ModelSerializer) plus its manifest.")
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "CHECKPOINT", description = "A checkpoint directory, or a run directory (its newest checkpoint).")
    String location;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "DL4J model file to write, e.g. model.zip.")
    File out;

    @Override
    public Integer call() throws Exception {
        if (out.exists()) {
            throw new UserError("output already exists: " + out);
        }
        Configuration conf = new Configuration();
        Path dir = CheckpointLocator.resolve(location, conf);
        Checkpoint c = CheckpointStore.readDirectory(Files.rawFs(dir, conf), dir);
        MlpSpec model = CheckpointManifest.spec(c.manifest());
        File tmp = new File(out.getAbsoluteFile().getParentFile(), "." + out.getName() + ".tmp");
        ModelSerializer.writeModel(Dl4jExport.toNetwork(model, c.array("theta").reshape(1, model.parameterCount())), tmp, false);
        File manifest = new File(out.getPath() + ".manifest.json");
        CheckpointStore.JSON.writeValue(manifest, c.manifest());
        if (!tmp.renameTo(out)) {
            throw new java.io.IOException("cannot rename " + tmp + " to " + out);
        }
        spec.commandLine().getOut().println("wrote " + out + " (DL4J MultiLayerNetwork; output = [mean | log-variance] of the "
                + "normalized state change) and " + manifest + " (normalizer and provenance)");
        return 0;
    }
}
