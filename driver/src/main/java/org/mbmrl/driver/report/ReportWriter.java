package org.mbmrl.driver.report;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.mbmrl.driver.UserError;
import org.mbmrl.driver.checkpoint.CheckpointManifest;

/**
 * {@code mbmrl report}: reads runs and writes their HTML report to a local file. Every run
 * location is checked before anything is read or written (the first that is not a run
 * directory is a {@link UserError}), and the file is written to a temporary sibling and
 * renamed into place, so a reader never sees half a report and a failed command leaves the
 * previous file as it was.
 */
public final class ReportWriter {
    /** What was written: the file, its size and the runs in it. */
    public record Written(Path file, long bytes, int runs) {}

    private ReportWriter() {}

    /** Writes the report of {@code runLocations} (in this order) to {@code out}. */
    public static Written write(SparkSession spark, List<String> runLocations, Path out, PrintStream log) {
        if (runLocations.isEmpty()) {
            throw new UserError("report: name at least one run directory");
        }
        Path target = out.toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            throw new UserError("--out " + out + " is a directory; name the HTML file to write, e.g. " + out.resolve("report.html"));
        }
        for (String location : runLocations) {
            RunReader.checkRunDirectory(spark, location);
        }
        List<RunSummary> runs = new ArrayList<>();
        List<String> names = labels(runLocations);
        for (int i = 0; i < runLocations.size(); i++) {
            runs.add(RunReader.read(spark, runLocations.get(i), names.get(i)));
        }
        ReportData data = new ReportData("mbmrl report: " + String.join(", ", names),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                new ReportData.Versions(CheckpointManifest.VERSION, System.getProperty("java.version") + " ("
                        + System.getProperty("java.vendor") + ")", spark.version(), HtmlReport.echartsVersion()),
                runs);
        byte[] html = HtmlReport.render(data).getBytes(StandardCharsets.UTF_8);
        writeAtomically(target, html);
        log.printf("wrote %s (%d run%s, %d KB)%n", target, runs.size(), runs.size() == 1 ? "" : "s",
                (html.length + 1023) / 1024);
        return new Written(target, html.length, runs.size());
    }

    /** The runs' labels: each directory's name, with its parent's name (and a number if need be) where names repeat. */
    static List<String> labels(List<String> locations) {
        List<String[]> segments = new ArrayList<>();
        for (String l : locations) {
            String path = org.mbmrl.driver.checkpoint.Files.path(l).toUri().getPath().replaceAll("/+$", "");
            segments.add(path.isEmpty() ? new String[] {"/"} : path.substring(path.indexOf('/') + 1).split("/"));
        }
        List<String> base = new ArrayList<>();
        for (String[] s : segments) {
            base.add(s[s.length - 1]);
        }
        List<String> out = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (int i = 0; i < locations.size(); i++) {
            String[] s = segments.get(i);
            String name = java.util.Collections.frequency(base, base.get(i)) > 1 && s.length > 1
                    ? s[s.length - 2] + "/" + s[s.length - 1] : base.get(i);
            String unique = name;
            for (int k = 2; !used.add(unique); k++) {
                unique = name + " #" + k;
            }
            out.add(unique);
        }
        return out;
    }

    private static void writeAtomically(Path target, byte[] bytes) {
        try {
            Path dir = target.getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try {
                Files.write(tmp, bytes);
                try { // createTempFile makes it private to its owner; a report is for reading
                    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: its defaults apply
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
