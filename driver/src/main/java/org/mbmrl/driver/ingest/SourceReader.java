package org.mbmrl.driver.ingest;

import java.util.List;

/**
 * Reads an import source into episodes. One implementation per layout; each checks what only
 * it can see (a missing column or dataset, an unreadable value) and leaves the value checks
 * common to all layouts to {@link ImportValidator}.
 */
interface SourceReader {
    /** The episodes of {@code files} under {@code mapping}, and how many source rows (frames) were read. */
    SourceData read(SourceFiles files, ImportMapping mapping);

    /** What a reader returns: the episodes in source order and the number of rows (frames) read. */
    record SourceData(List<SourceEpisode> episodes, long rows) {
        public SourceData {
            episodes = List.copyOf(episodes);
        }
    }
}
