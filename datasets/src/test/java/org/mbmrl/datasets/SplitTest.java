package org.mbmrl.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SplitTest {

    @Test
    void labelsRoundTrip() {
        assertEquals("train", Split.TRAIN.label());
        assertEquals("test", Split.TEST.label());
        assertEquals("ood", Split.OOD.label());
        for (Split s : Split.values()) {
            assertEquals(s, Split.parse(s.label()));
        }
    }

    @Test
    void unknownLabelIsRejected() {
        for (String bad : new String[] {"TRAIN", "validation", "", " test"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Split.parse(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("train, test, ood"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Split.parse(null));
    }
}
