package io.jwsgi.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Environ;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** {@code threads=virtual}: virtual threads where the JVM has them, platform threads and a log line where not. */
class EngineThreadsTest {

    @Test
    void virtualModeRunsApplicationsOnVirtualThreadsOrSaysWhyNot() throws Exception {
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(java.text.MessageFormat.format(record.getMessage(), record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(Engine.class.getName());
        logger.addHandler(capture);
        Engine engine = Engine.builder().name("vt").threads(Engine.Threads.VIRTUAL).build();
        try {
            CompletableFuture<Thread> ranOn = new CompletableFuture<>();
            RecordingChannel channel = new RecordingChannel();
            Pump pump = engine.open((env, start) -> {
                ranOn.complete(Thread.currentThread());
                start.start("200 OK", TestApps.TEXT);
                return List.of(TestApps.bytes("ok"));
            }, new HashMap<>(Map.of(Environ.REQUEST_METHOD, "GET")), channel, "GET /vt");
            pump.onWritePossible();

            Thread thread = ranOn.get(10, TimeUnit.SECONDS);
            boolean virtual = (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
            if (Runtime.version().feature() >= 21) {
                assertThat(virtual).as("Java %s has virtual threads", Runtime.version()).isTrue();
            } else {
                assertThat(virtual).isFalse();
                assertThat(logged).as("the fallback is logged").anySatisfy(line -> assertThat(line)
                        .contains("virtual threads need Java 21+").contains("using platform threads"));
            }
        } catch (NoSuchMethodException e) {
            // Java 17 has no Thread.isVirtual: the fallback must then have been logged.
            assertThat(logged).anySatisfy(line -> assertThat(line).contains("virtual threads need Java 21+"));
        } finally {
            engine.shutdown(Duration.ofSeconds(1));
            logger.removeHandler(capture);
        }
    }
}
