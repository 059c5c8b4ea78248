package org.mbmrl.driver.ingest;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mbmrl.driver.UserError;

/**
 * Frame tables in CSV, read with Jackson's CSV parser: the first line names the columns, each
 * further line is a frame. Cells are text ({@code nan}, {@code inf}, {@code -inf} are read as
 * such, so the validator can name them); a list cell may be written {@code [a, b, c]}.
 * Messages name the file and line.
 */
final class CsvFrames implements SourceReader {
    @Override
    public SourceData read(SourceFiles files, ImportMapping m) {
        List<FrameRows.Frame> frames = new ArrayList<>();
        CsvMapper mapper = new CsvMapper();
        mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
        for (SourceFiles.Entry f : files.files()) {
            String file = f.path().toString();
            try (MappingIterator<String[]> it = mapper.readerFor(String[].class).readValues(f.path().toFile())) {
                if (!it.hasNext()) {
                    throw new UserError(file + ": no header line (an empty table)");
                }
                String[] header = Arrays.stream(it.next()).map(String::strip).toArray(String[]::new);
                FrameRows.checkColumns(file, m, Arrays.asList(header));
                Map<String, Integer> index = new HashMap<>();
                for (int i = 0; i < header.length; i++) {
                    index.putIfAbsent(header[i], i);
                }
                long line = 1;
                while (it.hasNext()) {
                    String[] cells = it.next();
                    line++;
                    if (cells.length == 1 && cells[0].isBlank()) {
                        continue;
                    }
                    if (cells.length != header.length) {
                        throw new UserError(file + ": line " + line + " has " + cells.length + " fields, the header has "
                                + header.length);
                    }
                    frames.add(FrameRows.frame(m, file, "line " + line, c -> cells[index.get(c)]));
                }
            } catch (IOException | RuntimeException e) {
                if (e instanceof UserError u) {
                    throw u;
                }
                throw new UserError(file + ": not readable as CSV: "
                        + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
            }
        }
        if (frames.isEmpty()) {
            throw new UserError(files.root() + ": no rows (a header and nothing else)");
        }
        return new SourceData(FrameRows.episodes(frames, m), frames.size());
    }
}
