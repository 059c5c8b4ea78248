package org.mbmrl.driver.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a {@link ReportData} as one self-contained HTML page: the page template and its
 * script (resources of this package), ECharts' {@code echarts.min.js} read from the
 * {@code org.webjars.npm:echarts} jar on the classpath and inlined, and the data as JSON in a
 * {@code <script type="application/json">} element. The page loads nothing (its
 * Content-Security-Policy forbids any fetch), so it opens offline, and its script writes a
 * render check into {@code <pre id="render-status">} once every figure is drawn.
 */
public final class HtmlReport {
    private static final String WEBJAR_POM = "META-INF/maven/org.webjars.npm/echarts/pom.properties";
    private static final Pattern PLACEHOLDER = Pattern.compile("@([A-Z]+)@");
    private static final ObjectMapper JSON = new ObjectMapper();

    private HtmlReport() {}

    /** The version of the ECharts webjar on the classpath; an error naming the artifact when it is absent. */
    public static String echartsVersion() {
        Properties p = new Properties();
        try (InputStream in = resource(WEBJAR_POM, "the org.webjars.npm:echarts jar")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + WEBJAR_POM, e);
        }
        return p.getProperty("version");
    }

    /** The page for {@code data}. */
    public static String render(ReportData data) {
        String echarts = text("META-INF/resources/webjars/echarts/" + data.versions().echarts() + "/dist/echarts.min.js",
                "echarts.min.js of the org.webjars.npm:echarts jar");
        String script = text("org/mbmrl/driver/report/report.js", "the report's script");
        for (String[] js : new String[][] {{"echarts.min.js", echarts}, {"report.js", script}}) {
            if (js[1].toLowerCase(java.util.Locale.ROOT).contains("</script")) {
                throw new IllegalStateException(js[0] + " contains </script and cannot be inlined");
            }
        }
        String json;
        try {
            json = JSON.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the report data", e);
        }
        // '<', '>' and '&' occur in JSON only inside strings, where their \\u escapes mean the same: the
        // data can never end its <script> element (a config value holding "</script>" stays text).
        json = json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
        Map<String, String> values = Map.of("TITLE", escapeHtml(data.title()), "GENERATOR",
                escapeHtml(data.versions().mbmrl()), "ECHARTS", echarts, "DATA", json, "SCRIPT", script);
        String template = text("org/mbmrl/driver/report/report.html", "the report's page template");
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + echarts.length() + json.length() + script.length());
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) {
                throw new IllegalStateException("report.html: unknown placeholder " + m.group());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String text(String name, String what) {
        try (InputStream in = resource(name, what)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    private static InputStream resource(String name, String what) {
        InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(what + " is not on the classpath (" + name + ")");
        }
        return in;
    }
}
