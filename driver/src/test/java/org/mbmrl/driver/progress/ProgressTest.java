package org.mbmrl.driver.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A bar with rate and time left on a terminal; the command's own lines everywhere else. */
class ProgressTest {
    private final PrintStream realErr = System.err;

    @AfterEach
    void restore() {
        System.setErr(realErr);
        System.clearProperty("mbmrl.progress");
    }

    @Test
    void withoutATerminalTheLinesAreKeptAndNothingIsDrawn() {
        System.setProperty("mbmrl.progress", "lines");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream lines = new PrintStream(out, true, StandardCharsets.UTF_8);
        try (Progress p = Progress.start("train", 3, "it", lines)) {
            assertFalse(p.isBar());
            for (int i = 1; i <= 3; i++) {
                p.detail("iter " + i);
                p.status("loss " + i);
                p.step(1);
            }
            p.line("checkpoint");
        }
        assertEquals("iter 1\niter 2\niter 3\ncheckpoint\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void onATerminalABarWithRateAndTimeLeftReplacesThePerStepLines() throws Exception {
        System.setProperty("mbmrl.progress", "bar");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream lines = new PrintStream(out, true, StandardCharsets.UTF_8);
        try (Progress p = Progress.start("train", 4, "it", lines)) {
            assertTrue(p.isBar());
            for (int i = 1; i <= 4; i++) {
                p.detail("iter " + i);
                p.status("pre 0.5" + i);
                p.step(1);
                Thread.sleep(120);
            }
            p.line("checkpoint");
        }
        String bar = err.toString(StandardCharsets.UTF_8);
        assertEquals("checkpoint\n", out.toString(StandardCharsets.UTF_8), "only the lines that matter");
        assertTrue(bar.contains("train"), bar);
        assertTrue(bar.contains("4/4"), bar);
        assertTrue(bar.contains("it/s"), "a rate: " + bar);
        assertTrue(bar.contains("pre 0.54"), "the status: " + bar);
        assertTrue(bar.matches("(?s).*\\(\\d+:\\d\\d:\\d\\d / \\d+:\\d\\d:\\d\\d\\).*"), "elapsed / time left: " + bar);
    }
}
