package io.pagehint.benche2e.run;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The results as a picture (JFreeChart, embedded in this bundle): the median migration time of
 * legacy beside hinted per cell, and the median bytes each round put on the wire. Both on
 * logarithmic axes, since hints change them by orders of magnitude.
 */
final class BenchChart {

    private static final int WIDTH = 1400;
    private static final int HEIGHT = 560;
    private static final Color[] COLORS = {new Color(0x9e, 0x9e, 0x9e), new Color(0x1f, 0x77, 0xb4), new Color(0x2c, 0xa0, 0x2c)};

    private BenchChart() {
    }

    /** Writes the PNG. */
    static void write(Results results, String subtitle, Path png) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, 2 * HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            times(results, subtitle).draw(g, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
            rounds(results).draw(g, new Rectangle2D.Double(0, HEIGHT, WIDTH, HEIGHT));
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer in this Java");
        }
    }

    private static JFreeChart times(Results results, String subtitle) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Cell c : results.settings().cells()) {
            for (Variant v : c.scenario().variants()) {
                OptionalDouble ms = results.median(c, v, Metric.MIGRATION_MS);
                data.addValue(ms.isPresent() ? (Number) ms.getAsDouble() : null, v.label(), c.label());
            }
        }
        JFreeChart chart = chart("Migration time, median (ms, log scale): legacy beside hinted", data, "ms", 1);
        chart.addSubtitle(new org.jfree.chart.title.TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        return chart;
    }

    private static JFreeChart rounds(Results results) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Cell c : results.settings().cells()) {
            int maxRounds = results.runs().stream().filter(r -> r.cell().equals(c) && r.succeeded())
                    .mapToInt(r -> r.roundBytes().size()).max().orElse(0);
            for (int round = 0; round < maxRounds; round++) {
                String column = c.label() + " r" + (round + 1);
                for (Variant v : c.scenario().variants()) {
                    int k = round;
                    List<RunRecord> runs = results.runs(c, v).stream()
                            .filter(r -> r.succeeded() && r.roundBytes().size() > k).toList();
                    double[] kib = runs.stream().mapToDouble(r -> r.roundBytes().get(k) / 1024.0).toArray();
                    OptionalDouble m = Results.median(kib);
                    data.addValue(m.isPresent() ? (Number) Math.max(1, m.getAsDouble()) : null, v.label(), column);
                }
            }
        }
        return chart("Bytes on the wire per round, median (KiB, log scale; the last round is stop-and-copy)", data, "KiB", 1);
    }

    private static JFreeChart chart(String title, DefaultCategoryDataset data, String unit, double base) {
        LogAxis values = new LogAxis(unit);
        values.setBase(10);
        values.setSmallestValue(base);
        values.setAutoRange(true);
        values.setNumberFormatOverride(new java.text.DecimalFormat("#,##0"));
        values.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        CategoryAxis categories = new CategoryAxis();
        categories.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        categories.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        BarRenderer bars = new BarRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setBase(base);
        bars.setItemMargin(0.02);
        List<Color> colors = new ArrayList<>(List.of(COLORS));
        for (int i = 0; i < data.getRowCount(); i++) {
            bars.setSeriesPaint(i, colors.get(Math.min(i, colors.size() - 1)));
        }
        CategoryPlot plot = new CategoryPlot(data, categories, values, bars);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
