package io.jwsgi.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Engine#deadline}: a deadline that passes runs its check once on the watchdog's sweep; one
 * cancelled in time never runs; setting one schedules nothing per deadline (every exchange has one).
 */
class EngineDeadlineTest {

    private final Engine engine = Engine.builder().name("deadlines").executor(Runnable::run).build();

    @AfterEach
    void stop() {
        engine.shutdown(Duration.ZERO);
    }

    @Test
    void aPassedDeadlineRunsOnceAndACancelledOneNever() throws Exception {
        // given one deadline left to pass and one cancelled at once
        AtomicInteger passed = new AtomicInteger();
        AtomicInteger cancelled = new AtomicInteger();
        CountDownLatch ran = new CountDownLatch(1);
        engine.deadline(() -> {
            passed.incrementAndGet();
            ran.countDown();
        }, 20);
        engine.deadline(cancelled::incrementAndGet, 20).cancel();

        // when the first has run, and a few sweeps have passed since
        assertThat(ran.await(10, TimeUnit.SECONDS)).as("the passed deadline's check ran").isTrue();
        CountDownLatch later = new CountDownLatch(1);
        engine.deadline(later::countDown, 3 * Engine.SWEEP_MILLIS);
        assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();

        // then each check ran as often as it should
        assertThat(passed).hasValue(1);
        assertThat(cancelled).hasValue(0);
    }

    @Test
    void noDeadlineIsSetOnceTheEngineStopped() {
        engine.shutdown(Duration.ZERO);

        assertThat(engine.deadline(() -> { }, 10)).isNull();
    }
}
