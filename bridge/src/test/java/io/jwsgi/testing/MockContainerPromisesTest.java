package io.jwsgi.testing;

import static io.jwsgi.testing.Apps.SLEEP;
import static io.jwsgi.testing.Apps.TEXT;
import static io.jwsgi.testing.Apps.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.Application;
import io.jwsgi.testing.Apps.Body;
import io.jwsgi.testing.Apps.Script;
import io.jwsgi.testing.ValidationError.Rule;
import java.io.IOException;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** What the README and the javadoc promise of the mock container and the validator, held exactly. */
// The middleware bodies here close what the application's close() throws, whatever it is: hence Exception.
@SuppressWarnings("try")
class MockContainerPromisesTest {

    /** A middleware that passes its app's chunks on but never closes the app's iterable. */
    private static Application leaking(Application app) {
        return (environ, start) -> {
            Iterable<byte[]> inner = app.call(environ, start);
            return () -> inner.iterator();
        };
    }

    /** A middleware whose close() closes the app's iterable twice. */
    private static Application closingTwice(Application app) {
        return (environ, start) -> {
            Iterable<byte[]> inner = app.call(environ, start);
            return new Passing(inner) {
                @Override
                public void close() throws Exception {
                    ((AutoCloseable) inner).close();
                    ((AutoCloseable) inner).close();
                }
            };
        };
    }

    /** Passes an iterable through; closes it once. */
    private static class Passing implements Iterable<byte[]>, AutoCloseable {
        final Iterable<byte[]> inner;

        Passing(Iterable<byte[]> inner) {
            this.inner = inner;
        }

        @Override
        public Iterator<byte[]> iterator() {
            return inner.iterator();
        }

        @Override
        public void close() throws Exception {
            ((AutoCloseable) inner).close();
        }
    }

    @Test // #17
    void aMiddlewareThatNeverClosesAValidatedBodyFailsTheTest() {
        // given a validator inside a middleware that drops close()
        Application app = leaking(Validator.wrap(Apps.text("a", "b")));

        // when the exchange ends, then the inner validator's missing close() fails the test
        assertThatThrownBy(() -> MockContainer.of(app).get("/").send())
                .isInstanceOfSatisfying(ValidationError.class, e -> assertThat(e.rule()).isEqualTo(Rule.CLOSE_MISSING))
                .hasMessage("[CLOSE_MISSING] the response is over but the iterable (io.jwsgi.testing.Apps$Body) was"
                        + " never closed; the server must call close() once, whatever ended the response");
    }

    @Test // #17
    void aMissingCloseIsFoundWhenAnEndedExchangeIsSteppedToo() {
        // given the leaking middleware around a validated app that sleeps, without the mock's own validator
        Script script = new Script("a", SLEEP, "b");
        MockExchange exchange = MockContainer.of(leaking(Validator.wrap(script))).withoutValidator().get("/").start();
        assertThat(exchange.isSleeping()).isTrue();

        // when the client leaves, then the method that saw the end reports the missing close()
        assertThatThrownBy(exchange::disconnect).isInstanceOfSatisfying(ValidationError.class,
                e -> assertThat(e.rule()).as("the inner validator's check, at the end of the exchange")
                        .isEqualTo(Rule.CLOSE_MISSING));
        assertThat(script.closes()).as("nobody closed the app's body").isZero();
    }

    @Test // #17
    void aRuleBrokenInsideCloseIsRethrownToTheTest() {
        // given a middleware closing a validated body twice
        Application app = closingTwice(Validator.wrap(Apps.text("a")));

        // when / then: the validator's CLOSE_TWICE, thrown inside close(), reaches the test
        assertThatThrownBy(() -> MockContainer.of(app).get("/").send())
                .isInstanceOfSatisfying(ValidationError.class, e -> assertThat(e.rule()).isEqualTo(Rule.CLOSE_TWICE))
                .hasMessageStartingWith("[CLOSE_TWICE] close() called 2 times on the iterable");
    }

    @Test // #17
    void aCheckedExceptionFromNextAfterTheHeadIsTheApplicationError() {
        // given an app whose second next() throws a checked IOException, after the head went out
        IOException broken = new IOException("upstream broke");
        Application app = (environ, start) -> {
            start.start("200 OK", TEXT);
            return new Body(2, i -> i == 0 ? bytes("a") : sneaky(broken));
        };

        // when
        MockResponse response = MockContainer.of(app).get("/").send();

        // then the connection is cut and the test sees why
        assertThat(response.isAborted()).as("cut after the head").isTrue();
        assertThat(response.applicationError()).as("the exception behind the cut").containsSame(broken);
        assertThat(response.closeCount()).isEqualTo(1);
    }

    @Test // #17
    void aCheckedExceptionRethrownThroughStartWithExcInfoIsTheApplicationError() {
        // given an app that reports a checked failure through start(..., excInfo) after the head went out
        IOException broken = new IOException("upstream broke");
        Application app = (environ, start) -> {
            start.start("200 OK", TEXT);
            return new Body(2, i -> {
                if (i == 0) {
                    return bytes("a");
                }
                start.start("500 Internal Server Error", TEXT, broken);
                return bytes("never");
            });
        };

        // when
        MockResponse response = MockContainer.of(app).get("/").send();

        // then
        assertThat(response.isAborted()).isTrue();
        assertThat(response.applicationError()).as("start rethrew excInfo, the application's error").containsSame(broken);
    }

    @Test // #17
    void aWriteThatFailedBecauseTheClientLeftIsNoApplicationError() {
        // given an app that lets the IOException of its failed write through next()
        Application app = (environ, start) -> {
            io.jwsgi.Write write = start.start("200 OK", TEXT);
            return new Body(3, i -> {
                try {
                    write.write(bytes("w" + i));
                } catch (IOException e) {
                    return sneaky(e);
                }
                return new byte[0];
            });
        };
        MockExchange exchange = MockContainer.of(app).get("/").clientTakes(1).start();
        assertThat(exchange.isAwaitingClient()).isTrue();

        // when the client leaves while the write waits
        MockResponse response = exchange.disconnect().awaitDone();

        // then
        assertThat(response.applicationError()).as("the client's leaving is not the app's fault").isEmpty();
        assertThat(response.closeCount()).isEqualTo(1);
    }

    @RepeatedTest(20) // #17
    void everySteppingMethodReturnsOnceItsEffectSettled() {
        // given an app counting its pulls and closes in its own body
        AtomicReference<Body> body = new AtomicReference<>();
        Application app = (environ, start) -> {
            start.start("200 OK", TEXT);
            Runnable sleep = Apps.sleep(environ);
            body.set(new Body(6, i -> {
                if (i == 1 || i == 3) {
                    sleep.run();
                    return new byte[0];
                }
                return bytes("c" + i);
            }));
            return body.get();
        };
        MockExchange exchange = MockContainer.of(app).get("/").clientTakes(0).start();
        assertThat(exchange.isAwaitingClient()).isTrue();

        // when / then: each read is of the app's own counters, right after the step
        exchange.clientTakes(1);
        assertThat(body.get().pulls).as("clientTakes(1): the chunk went out and the app slept").hasValue(2);
        exchange.clientReady().wake();
        assertThat(body.get().pulls).as("wake: the app ran until its next sleep").hasValue(4);
        exchange.disconnect();
        assertThat(body.get().closes).as("disconnect: close() ran").hasValue(1);
    }

    @RepeatedTest(20) // #17
    void timeoutReturnsOnceTheResponseEnded() {
        // given a sleeping app
        AtomicReference<Body> body = new AtomicReference<>();
        Application app = (environ, start) -> {
            start.start("200 OK", TEXT);
            Runnable sleep = Apps.sleep(environ);
            body.set(new Body(2, i -> {
                sleep.run();
                return new byte[0];
            }));
            return body.get();
        };
        MockExchange exchange = MockContainer.of(app).get("/").start();
        assertThat(exchange.isSleeping()).isTrue();

        // when
        exchange.timeout();

        // then
        assertThat(body.get().closes).as("close() ran before timeout() returned").hasValue(1);
        assertThat(exchange.response().status()).as("the 503 page, no header having gone out").isEqualTo(503);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> byte[] sneaky(Throwable t) throws T {
        throw (T) t;
    }

}
