package org.mbmrl.driver.ingest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.mbmrl.datasets.Schema;
import org.mbmrl.datasets.Split;
import org.mbmrl.driver.checkpoint.CheckpointStore;
import org.mbmrl.driver.progress.Progress;
import org.mbmrl.driver.data.DatasetManifest;

/**
 * {@code mbmrl import}: reads an outside source (LeRobot or generic Parquet, CSV, Minari
 * HDF5) under a column mapping, checks every value ({@link ImportValidator}) and writes a
 * project dataset ({@link ImportWriter}) whose {@code dataset.json} records where it came
 * from: the source files and their sha256, the format, the mapping and the counts.
 */
public final class Importer {
    private Importer() {}

    /** What to import: the source, its format, the mapping (null: the format's defaults), the output and the minimum episode length. */
    public record Request(Path source, ImportFormat format, Path mapping, String out, int minEpisodeLength) {
        public Request {
            if (source == null) {
                throw new IllegalArgumentException("import: the source path is required");
            }
            if (format == null) {
                throw new IllegalArgumentException("import: --format is required");
            }
            if (out == null || out.isBlank()) {
                throw new IllegalArgumentException("import: --out is required");
            }
            if (minEpisodeLength < 1) {
                throw new IllegalArgumentException("--min-episode-length must be >= 1; got " + minEpisodeLength);
            }
        }
    }

    /** The imported dataset's manifest and what was read and written. */
    public record Result(DatasetManifest manifest, long sourceRows, int episodes, long transitions) {}

    public static Result run(SparkSession spark, Request r, PrintStream progress) {
        ImportMapping mapping = ImportMapping.load(r.format(), r.mapping());
        SourceFiles files = SourceFiles.of(r.source(), r.format() == ImportFormat.MINARI ? List.of(".hdf5", ".h5")
                : r.format() == ImportFormat.CSV ? List.of(".csv") : List.of(".parquet"));
        progress.printf("reading %s (%s, %d file%s)%n", r.source(), r.format().label(), files.files().size(),
                files.files().size() == 1 ? "" : "s");
        SourceReader reader = switch (r.format()) {
            case LEROBOT, PARQUET -> new ParquetFrames(spark);
            case CSV -> new CsvFrames();
            case MINARI -> new MinariReader();
        };
        // Three stages, each a step of the bar on a terminal: read, check, write.
        try (Progress bar = Progress.start("import", 3, "stages", progress)) {
            bar.status("reading");
            SourceReader.SourceData source = reader.read(files, mapping);
            bar.step(1);
            bar.status("checking");
            ImportValidator.Checked data = ImportValidator.check(source.episodes(), mapping, r.minEpisodeLength());
            bar.step(1);
            long transitions = data.transitions();
            int train = count(data, Split.TRAIN);
            int test = count(data, Split.TEST);
            int ood = count(data, Split.OOD);
            int episodesPerTask = data.tasks().stream().mapToInt(t -> t.episodes().size()).max().orElse(0);
            int steps = source.episodes().stream().mapToInt(SourceEpisode::transitions).max().orElse(0);
            long seed = mapping.split().kind() == SplitRule.Kind.RANDOM ? mapping.split().seed() : 0;
            DatasetManifest manifest = new DatasetManifest(Schema.FORMAT_VERSION, mapping.family(), data.observationDim(),
                    data.actionDim(), data.parameterNames(), train, test, ood, episodesPerTask, steps, seed,
                    "import:" + r.format().label(), provenance(r, files, mapping, source, data, transitions));
            manifest.validate("import " + r.out());
            bar.line(String.format(java.util.Locale.ROOT, "importing %d episodes of %d tasks (%d train, %d test, %d ood):"
                    + " %d transitions, observation %d, action %d", source.episodes().size(), data.tasks().size(), train, test,
                    ood, transitions, data.observationDim(), data.actionDim()));
            bar.status("writing");
            ImportWriter.write(spark, r.out(), manifest, data);
            bar.step(1);
            bar.line("wrote " + r.out() + " (family " + mapping.family() + ")");
            return new Result(manifest, source.rows(), source.episodes().size(), transitions);
        }
    }

    private static int count(ImportValidator.Checked data, Split s) {
        return (int) data.tasks().stream().filter(t -> t.split() == s).count();
    }

    private static ObjectNode provenance(Request r, SourceFiles files, ImportMapping mapping, SourceReader.SourceData source,
            ImportValidator.Checked data, long transitions) {
        ObjectNode p = CheckpointStore.JSON.createObjectNode();
        p.put("kind", "import");
        ObjectNode s = p.putObject("source");
        s.put("path", r.source().toAbsolutePath().normalize().toString());
        s.put("format", r.format().label());
        s.put("fingerprint", files.fingerprint());
        ArrayNode fs = s.putArray("files");
        for (SourceFiles.Entry e : files.files()) {
            fs.addObject().put("name", e.name()).put("bytes", e.bytes()).put("sha256", e.sha256());
        }
        p.set("mapping", mapping.toJson());
        ObjectNode rows = p.putObject("rows");
        rows.put("source_rows", source.rows());
        rows.put("episodes", source.episodes().size());
        rows.put("tasks", data.tasks().size());
        rows.put("transitions", transitions);
        rows.put("dropped_last_frames", r.format().frameTable() ? source.episodes().size() : 0);
        p.put("min_episode_length", r.minEpisodeLength());
        p.set("task_ids", ImportWriter.taskKeys(data));
        return p;
    }
}
