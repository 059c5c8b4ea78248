package org.mbmrl.driver.cli;

import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.mbmrl.driver.checkpoint.Checkpoint;
import org.mbmrl.driver.checkpoint.CheckpointStore;
import org.mbmrl.driver.checkpoint.Files;
import org.mbmrl.driver.checkpoint.TrainedRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        header = "Verify a checkpoint's files and print its manifest.",
        description = "Verify a checkpoint (sha256 of every file, its config, the types and shapes of its arrays) and print"
                + " its manifest.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "CHECKPOINT", description = "A checkpoint directory, or a run directory (its newest checkpoint).")
    String location;

    @Override
    public Integer call() throws Exception {
        Configuration conf = new Configuration();
        Path dir = CheckpointLocator.resolve(location, conf);
        // Opened as a trained run: sha256 of every file, then the config, the arrays' types and shapes.
        TrainedRun run = TrainedRun.openCheckpoint(Files.rawFs(dir, conf), dir);
        Checkpoint c = run.checkpoint;
        spec.commandLine().getOut().println(CheckpointStore.JSON.writeValueAsString(c.manifest()));
        spec.commandLine().getOut().println("verified: " + dir + " (" + c.arrays().size() + " arrays, sha256 ok; algorithm "
                + run.algorithm().name() + ", " + run.spec.parameterCount() + " parameters, task state " + run.taskState.size()
                + " x " + run.taskState.width() + ")");
        return 0;
    }
}
