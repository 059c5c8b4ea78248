package org.mbmrl.driver.ingest;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mbmrl.driver.UserError;

/**
 * Frame tables in Parquet (LeRobot and generic): each source file is read with Spark's
 * Parquet reader, its schema checked against the mapping (a missing column names the file),
 * and the mapped columns collected to the driver, where {@link FrameRows} groups them.
 * List columns ({@code observation.state}, {@code action}) become vectors.
 */
final class ParquetFrames implements SourceReader {
    private final SparkSession spark;

    ParquetFrames(SparkSession spark) {
        this.spark = spark;
    }

    @Override
    public SourceData read(SourceFiles files, ImportMapping m) {
        List<String> columns = new ArrayList<>(FrameRows.requiredColumns(m).keySet());
        List<FrameRows.Frame> frames = new ArrayList<>();
        for (SourceFiles.Entry f : files.files()) {
            String file = f.path().toString();
            Dataset<Row> df = spark.read().parquet(f.path().toUri().toString());
            FrameRows.checkColumns(file, m, Arrays.asList(df.columns()));
            Column[] select = columns.stream().map(c -> col("`" + c.replace("`", "``") + "`")).toArray(Column[]::new);
            List<Row> rows = df.select(select).collectAsList();
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                index.put(columns.get(i), i);
            }
            long n = 0;
            for (Row r : rows) {
                n++;
                frames.add(FrameRows.frame(m, file, "row " + n, c -> value(r, index.get(c))));
            }
        }
        if (frames.isEmpty()) {
            throw new UserError(files.root() + ": no rows (an empty table)");
        }
        return new SourceData(FrameRows.episodes(frames, m), frames.size());
    }

    private static Object value(Row r, int i) {
        if (r.isNullAt(i)) {
            return null;
        }
        Object v = r.get(i);
        return v instanceof scala.collection.Seq<?> ? r.getList(i) : v;
    }
}
