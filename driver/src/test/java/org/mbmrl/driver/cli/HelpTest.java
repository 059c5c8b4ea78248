package org.mbmrl.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code mbmrl --help}: every command has a one-line summary, and the list shows it whole. */
class HelpTest {

    @Test
    void everyCommandHasAOneLineSummaryThatIsShownWhole() {
        CommandLine cli = new CommandLine(new Mbmrl());
        for (var e : cli.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            String[] header = e.getValue().getCommandSpec().usageMessage().header();
            assertEquals(1, header.length, e.getKey() + ": one header line");
            assertTrue(header[0].endsWith("."), e.getKey() + ": a sentence: " + header[0]);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Mbmrl.execute(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(0, code);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        List<String> commands = lines.subList(lines.indexOf("Commands:") + 1, lines.size());
        for (String line : commands) {
            assertFalse(line.startsWith("            "), "a summary wrapped onto a second line: '" + line + "'");
            assertTrue(line.strip().endsWith("."), "a summary cut short: '" + line + "'");
        }
        assertTrue(commands.size() >= 9, String.join("\n", commands));
    }
}
