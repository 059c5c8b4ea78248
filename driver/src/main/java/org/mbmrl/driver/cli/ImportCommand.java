package org.mbmrl.driver.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mbmrl.driver.config.ConfigLoader;
import org.mbmrl.driver.ingest.ImportFormat;
import org.mbmrl.driver.ingest.Importer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mbmrl import}: outside data (LeRobot Parquet, Minari HDF5, any Parquet or CSV with
 * a mapping) into a project dataset with import provenance; see {@link Importer}.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        header = "Turn outside data (LeRobot, Parquet, CSV, Minari) into a dataset.",
        description = {"Import outside data (LeRobot or generic Parquet, CSV, Minari HDF5) as a dataset (Parquet).",
            "Every value is checked first; a problem is one line naming the file, column and episode or row, and"
                + " nothing is written. Frame tables drop each episode's last frame (it has no next observation)."})
final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SparkOptions spark;

    @Parameters(index = "0", paramLabel = "SOURCE",
            description = "A local file, or a directory whose files of the format (*.parquet, *.csv, *.hdf5) are read in name order.")
    Path source;

    @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "lerobot, minari, parquet or csv.")
    String format;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Dataset directory to create (any Hadoop URI).")
    String out;

    @Option(names = "--mapping", paramLabel = "FILE.yaml",
            description = "Column mapping (required for parquet and csv; overrides the defaults of lerobot and minari).")
    Path mapping;

    @Option(names = "--min-episode-length", paramLabel = "N",
            description = "Fewest transitions an episode may have (default: adapt.past + adapt.future of the default config).")
    Integer minEpisodeLength;

    @Override
    public Integer call() {
        Importer.Request request = new Importer.Request(source, ImportFormat.parse(format), mapping, out,
                minEpisodeLength != null ? minEpisodeLength : defaultMinEpisodeLength());
        java.io.PrintStream progress = new java.io.PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true);
        Importer.run(spark.session("import"), request, progress);
        return 0;
    }

    /** M + K of the built-in defaults: the shortest episode training with the default config can use. */
    static int defaultMinEpisodeLength() {
        JsonNode adapt = ConfigLoader.defaults().get("adapt");
        return adapt.get("past").asInt() + adapt.get("future").asInt();
    }
}
