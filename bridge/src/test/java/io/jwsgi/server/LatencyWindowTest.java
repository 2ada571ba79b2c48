package io.jwsgi.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyWindowTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void percentilesAreNearestRankOverTheSamplesInTheWindow() {
        LatencyWindow window = new LatencyWindow(128, 60, TimeUnit.SECONDS);
        // 1..100 in a scrambled order
        for (int i = 0; i < 100; i++) {
            window.record((i * 37) % 100 + 1, 0);
        }

        long[] sorted = window.snapshot(SECOND);

        assertThat(sorted).hasSize(100).startsWith(1, 2, 3).endsWith(99, 100);
        assertThat(LatencyWindow.percentile(sorted, 50)).isEqualTo(50);
        assertThat(LatencyWindow.percentile(sorted, 99)).isEqualTo(99);
        assertThat(LatencyWindow.percentile(sorted, 100)).isEqualTo(100);
    }

    @Test
    void onlyTheLatestCapacitySamplesCount() {
        LatencyWindow window = new LatencyWindow(4, 60, TimeUnit.SECONDS);
        for (long latency : new long[] {900, 800, 700, 1, 2, 3, 4}) {
            window.record(latency, 0);
        }

        assertThat(window.snapshot(0)).as("the three oldest were overwritten").containsExactly(1, 2, 3, 4);
        assertThat(window.total()).isEqualTo(7);
    }

    @Test
    void samplesOlderThanMaxAgeAreLeftOut() {
        LatencyWindow window = new LatencyWindow(8, 10, TimeUnit.SECONDS);
        window.record(500, 0);
        window.record(5, 9 * SECOND);

        assertThat(window.snapshot(10 * SECOND)).containsExactly(5, 500);
        assertThat(window.snapshot(11 * SECOND)).as("the first sample is 11 s old").containsExactly(5);
        assertThat(window.snapshot(30 * SECOND)).isEmpty();
    }

    @Test
    void noSampleGivesMinusOne() {
        LatencyWindow window = new LatencyWindow(8, 1, TimeUnit.SECONDS);

        assertThat(LatencyWindow.percentile(window.snapshot(), 99)).isEqualTo(-1);
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> new LatencyWindow(100, 1, TimeUnit.SECONDS))
                .hasMessage("capacity must be a power of two, got 100");
        assertThatThrownBy(() -> LatencyWindow.percentile(new long[] {1}, 0))
                .hasMessage("percent must be in (0, 100], got 0.0");
    }

    @Test
    void concurrentWritersLoseNoSlot() throws Exception {
        LatencyWindow window = new LatencyWindow(1024, 60, TimeUnit.SECONDS);
        Thread[] writers = new Thread[4];
        for (int t = 0; t < writers.length; t++) {
            long value = t + 1;
            writers[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    window.record(value, System.nanoTime());
                }
            });
            writers[t].start();
        }
        for (Thread writer : writers) {
            writer.join();
        }

        assertThat(window.total()).isEqualTo(40_000);
        long[] window1024 = window.snapshot();
        assertThat(window1024).hasSize(1024);
        assertThat(window1024[0]).isGreaterThanOrEqualTo(1);
        assertThat(window1024[1023]).isLessThanOrEqualTo(4);
    }
}
