package org.mbmrl.driver.report;

import java.util.List;

/**
 * What one {@code mbmrl report} HTML file shows: when it was made, the versions of the tools
 * that made it, and the runs in the order they were named. Serialized to JSON into the page.
 */
public record ReportData(String title, String generated, Versions versions, List<RunSummary> runs) {

    /** The versions of mbmrl, Java and Spark that wrote the report, and of the inlined ECharts. */
    public record Versions(String mbmrl, String java, String spark, String echarts) {}
}
