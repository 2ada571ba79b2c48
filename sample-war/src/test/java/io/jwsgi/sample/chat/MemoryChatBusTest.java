package io.jwsgi.sample.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MemoryChatBusTest {

    private final MemoryChatBus bus = new MemoryChatBus();

    @Test
    void publishedMessagesGetSequentialIdsAndShowInHistory() {
        // when three messages are posted
        bus.publish("a", "one");
        bus.publish("b", "two");
        bus.publish("c", "three");

        // then they are numbered in order and since() filters by id
        assertThat(bus.since(0)).extracting(ChatMessage::id, ChatMessage::text).as("everything")
                .containsExactly(tuple(1L, "one"), tuple(2L, "two"),
                        tuple(3L, "three"));
        assertThat(bus.since(2)).extracting(ChatMessage::text).as("after id 2").containsExactly("three");
        assertThat(bus.since(3)).as("after the last id").isEmpty();
    }

    @Test
    void historyKeepsOnlyTheLatestMessages() {
        for (int i = 1; i <= ChatBus.HISTORY + 5; i++) {
            bus.publish("n", "m" + i);
        }

        List<ChatMessage> kept = bus.since(0);

        assertThat(kept).as("capped history").hasSize(ChatBus.HISTORY);
        assertThat(kept.get(0).id()).as("oldest kept").isEqualTo(6);
        assertThat(kept.get(kept.size() - 1).id()).as("newest").isEqualTo(ChatBus.HISTORY + 5);
    }

    @Test
    void publishRunsEverySubscriberUntilItUnsubscribes() {
        // given two subscribers
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        ChatBus.Subscription s1 = bus.subscribe(first::incrementAndGet);
        bus.subscribe(second::incrementAndGet);

        // when one posts, the first unsubscribes, and one posts again
        bus.publish("a", "x");
        s1.close();
        s1.close();
        bus.publish("a", "y");

        // then only the remaining subscriber heard the second post
        assertThat(List.of(first.get(), second.get(), bus.subscribers())).as("wake-ups and subscribers left")
                .containsExactly(1, 2, 1);
    }

    @Test
    void subscriberMayUnsubscribeFromItsOwnCallback() {
        // given a subscriber that closes its own subscription when woken, as a finishing request does
        AtomicReference<ChatBus.Subscription> self = new AtomicReference<>();
        AtomicInteger runs = new AtomicInteger();
        self.set(bus.subscribe(() -> {
            runs.incrementAndGet();
            self.get().close();
        }));
        AtomicInteger other = new AtomicInteger();
        bus.subscribe(other::incrementAndGet);

        // when two messages are posted
        bus.publish("a", "x");
        bus.publish("a", "y");

        // then it ran once, and the other subscriber was not skipped
        assertThat(List.of(runs.get(), other.get(), bus.subscribers())).as("runs, other's runs, subscribers")
                .containsExactly(1, 2, 1);
    }
}
