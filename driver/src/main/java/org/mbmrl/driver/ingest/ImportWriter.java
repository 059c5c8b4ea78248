package org.mbmrl.driver.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.mbmrl.datasets.Schema;
import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.driver.checkpoint.CheckpointStore;
import org.mbmrl.driver.checkpoint.Files;
import org.mbmrl.driver.data.DatasetGenerator;
import org.mbmrl.driver.data.DatasetManifest;
import org.mbmrl.driver.data.DatasetReader;
import org.mbmrl.driver.data.NewDataset;
import org.mbmrl.driver.data.TableSchemas;

/**
 * Writes a checked import as a project dataset, with the project's own table schemas
 * ({@link TableSchemas}) and row layout ({@link DatasetGenerator#rowsOf}): each task's
 * episodes renumbered 0, 1, ... and their steps 0 .. n-1. Everything goes to a hidden sibling
 * {@code .NAME.tmp}, is read back by {@link DatasetReader} (the checks every training job
 * makes), and is renamed into place last, so a failure leaves nothing at {@code --out}.
 */
final class ImportWriter {
    private ImportWriter() {}

    static void write(SparkSession spark, String out, DatasetManifest manifest, ImportValidator.Checked data) {
        NewDataset.write(spark, out, "--out", (tmp, fs) -> {
            List<Row> taskRows = new ArrayList<>();
            List<Row> rows = new ArrayList<>();
            for (ImportValidator.ImportedTask t : data.tasks()) {
                taskRows.add(RowFactory.create(t.taskId(), manifest.family(), t.split().label(),
                        new java.util.LinkedHashMap<>(t.params()), 0L));
                for (Iterator<Row> it = DatasetGenerator.rowsOf(transitions(t, data)); it.hasNext();) {
                    rows.add(it.next());
                }
            }
            spark.createDataFrame(taskRows, TableSchemas.tasks()).coalesce(1).write()
                    .parquet(new Path(tmp, Schema.TASKS).toString());
            spark.createDataFrame(rows, TableSchemas.transitions(data.observationDim(), data.actionDim())).coalesce(1)
                    .write().parquet(new Path(tmp, Schema.TRANSITIONS).toString());
            Files.write(fs, new Path(tmp, Schema.MANIFEST), CheckpointStore.JSON.writeValueAsBytes(manifest));
            DatasetReader.open(spark, tmp.toString()).validateAll();
            return null;
        });
    }

    /** A task's transitions: episode k of the task is its k-th source episode, steps from 0. */
    private static TaskTransitions transitions(ImportValidator.ImportedTask t, ImportValidator.Checked data) {
        int rows = t.episodes().stream().mapToInt(SourceEpisode::transitions).sum();
        TaskTransitions.Builder b = new TaskTransitions.Builder(t.taskId(), data.observationDim(), data.actionDim(), rows);
        int episode = 0;
        for (SourceEpisode e : t.episodes()) {
            for (int i = 0; i < e.transitions(); i++) {
                b.add(episode, i, e.observations()[i], e.actions()[i], e.observations()[i + 1], e.rewards()[i],
                        e.terminated()[i], e.truncated()[i]);
            }
            episode++;
        }
        return b.build();
    }

    /** Provenance helper: the task key of each task id, as the provenance lists them. */
    static ObjectNode taskKeys(ImportValidator.Checked data) {
        ObjectNode o = CheckpointStore.JSON.createObjectNode();
        for (ImportValidator.ImportedTask t : data.tasks()) {
            o.put(t.key(), t.taskId());
        }
        return o;
    }
}
