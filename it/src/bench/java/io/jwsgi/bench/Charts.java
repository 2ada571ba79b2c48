package io.jwsgi.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.BoxAndWhiskerRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.DefaultBoxAndWhiskerCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The report's charts, drawn with JFreeChart into PNG files. */
final class Charts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 420;

    private Charts() {
    }

    /**
     * Box plots of per-round values: one box per series and category, with target lines.
     *
     * @param data series → category → values
     * @param targets label → value of a horizontal line
     */
    static void boxes(Path file, String title, String axis, Map<String, Map<String, List<Double>>> data,
            Map<String, Double> targets) throws IOException {
        DefaultBoxAndWhiskerCategoryDataset dataset = new DefaultBoxAndWhiskerCategoryDataset();
        data.forEach((series, byCategory) -> byCategory.forEach((category, values) -> dataset.add(values, series, category)));
        BoxAndWhiskerRenderer renderer = new BoxAndWhiskerRenderer();
        renderer.setMeanVisible(false);
        renderer.setMedianVisible(true);
        renderer.setMaxOutlierVisible(true);
        renderer.setMinOutlierVisible(true);
        renderer.setFillBox(true);
        CategoryPlot plot = new CategoryPlot(dataset, new CategoryAxis(), new NumberAxis(axis), renderer);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        mark(plot, targets);
        save(file, new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true));
    }

    /**
     * Grouped bars.
     *
     * @param data series → category → value
     * @param log whether the value axis is logarithmic
     */
    static void bars(Path file, String title, String axis, Map<String, Map<String, Double>> data,
            Map<String, Double> targets, boolean log) throws IOException {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        data.forEach((series, byCategory) -> byCategory.forEach((category, value) -> dataset.addValue(value, series, category)));
        BarRenderer renderer = new BarRenderer();
        renderer.setShadowVisible(false);
        renderer.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
        CategoryAxis categories = new CategoryAxis();
        categories.setMaximumCategoryLabelLines(3);
        CategoryPlot plot;
        if (log) {
            double min = Double.MAX_VALUE;
            double max = 0;
            for (Map<String, Double> byCategory : data.values()) {
                for (double v : byCategory.values()) {
                    if (v > 0) {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                }
            }
            // Bars on a log axis grow from a positive base: a decade under the smallest value.
            double base = min == Double.MAX_VALUE ? 0.1 : Math.pow(10, Math.floor(Math.log10(min)));
            renderer.setBase(base);
            LogAxis values = new LogAxis(axis);
            values.setRange(base, Math.max(base * 10, max * 3));
            // One tick per decade, written as plain numbers.
            values.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1.0));
            values.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.###"));
            plot = new CategoryPlot(dataset, categories, values, renderer);
        } else {
            plot = new CategoryPlot(dataset, categories, new NumberAxis(axis), renderer);
        }
        plot.setOrientation(PlotOrientation.VERTICAL);
        mark(plot, targets);
        save(file, new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true));
    }

    /**
     * Lines through points.
     *
     * @param data series → (x, y) points in order
     */
    static void lines(Path file, String title, String xAxis, String yAxis, Map<String, List<double[]>> data)
            throws IOException {
        XYSeriesCollection dataset = new XYSeriesCollection();
        data.forEach((name, points) -> {
            XYSeries series = new XYSeries(name);
            points.forEach(p -> series.add(p[0], p[1]));
            dataset.addSeries(series);
        });
        NumberAxis y = new NumberAxis(yAxis);
        y.setAutoRangeIncludesZero(true);
        XYPlot plot = new XYPlot(dataset, new NumberAxis(xAxis), y, new XYLineAndShapeRenderer(true, true));
        save(file, new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true));
    }

    private static void mark(CategoryPlot plot, Map<String, Double> targets) {
        targets.forEach((label, value) -> {
            ValueMarker marker = new ValueMarker(value, new Color(200, 30, 30), new BasicStroke(1.5f,
                    BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            marker.setLabel(label);
            marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            marker.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
            plot.addRangeMarker(marker);
        });
    }

    private static void save(Path file, JFreeChart chart) throws IOException {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(new Color(248, 248, 248));
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }
}
