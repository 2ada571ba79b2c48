package io.jwsgi.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Medians, ranges and percentiles of small samples, and their rendering in the report. */
final class Stats {

    private Stats() {
    }

    static double median(List<Double> values) {
        return percentile(values, 50);
    }

    static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** The p-th percentile by linear interpolation between closest ranks. */
    static double percentile(List<Double> values, double p) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        return percentile(v, p);
    }

    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        double rank = p / 100 * (v.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return v[lo] + (v[hi] - v[lo]) * (rank - lo);
    }

    /** {@code "0.97× (0.95–0.99)"}: the median and the range of a list of ratios. */
    static String ratio(List<Double> ratios) {
        return String.format(Locale.ROOT, "**%.2f×** (%.2f–%.2f)", median(ratios), min(ratios), max(ratios));
    }

    /** {@code "123 (110–130)"} with the given format for each number. */
    static String range(List<Double> values, String format) {
        return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")", median(values), min(values), max(values));
    }

    static String format(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
