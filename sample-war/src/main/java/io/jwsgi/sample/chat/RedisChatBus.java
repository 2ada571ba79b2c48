package io.jwsgi.sample.chat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ZRangeParams;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * A chat bus shared by every server pointed at the same Redis: a message posted on one node wakes
 * the requests waiting on all of them.
 *
 * <p>In Redis, under a key prefix ({@code jwsgi:chat} by default): {@code PREFIX:id}, the last id
 * given ({@code INCR}); {@code PREFIX:history}, a sorted set of the latest {@link #HISTORY}
 * messages as JSON, scored by id; and the pub/sub channel {@code PREFIX:published}, which carries
 * {@code "<node> <id>"} after each message. One Lua script assigns the id, stores the message and
 * announces it, so ids become visible in order: a reader that has seen id 7 never later finds a 6.
 *
 * <p>Each node holds one pub/sub connection on a thread of its own. When it breaks, the bus logs
 * a warning, reconnects with a growing pause (0.5 s up to 10 s), and once subscribed again wakes
 * every waiting request so that each rereads the history for messages announced meanwhile.
 */
public final class RedisChatBus implements ChatBus {

    private static final Logger LOG = Logger.getLogger(RedisChatBus.class.getName());
    private static final int TIMEOUT_MILLIS = 5000;
    private static final long MAX_BACKOFF_MILLIS = 10_000;
    private static final String PUBLISH = """
            local id = redis.call('INCR', KEYS[1])
            local message = '{"id":' .. string.format('%d', id) .. ',' .. ARGV[1]
            redis.call('ZADD', KEYS[2], id, message)
            redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -1 - tonumber(ARGV[2]))
            redis.call('PUBLISH', KEYS[3], ARGV[3] .. ' ' .. string.format('%d', id))
            return message
            """;

    private final HostAndPort address;
    private final JedisClientConfig config;
    private final String where;
    private final String idKey;
    private final String historyKey;
    private final String channel;
    private final String node = UUID.randomUUID().toString();
    private final RedisClient commands;
    private final Subscribers subscribers = new Subscribers();
    private final Thread listener;
    private volatile boolean closed;
    private volatile Listening current;

    /**
     * Connects to Redis with the default key prefix {@code jwsgi:chat}.
     *
     * @param uri {@code redis://[user:password@]host[:port][/db]}, or {@code rediss://} for TLS
     */
    public RedisChatBus(URI uri) {
        this(uri, "jwsgi:chat");
    }

    /**
     * Connects to Redis; rooms with different prefixes are independent.
     *
     * @param uri {@code redis://[user:password@]host[:port][/db]}, or {@code rediss://} for TLS
     * @param prefix the start of every key and channel name this bus uses
     * @throws IllegalArgumentException if the URI is not a Redis URL
     */
    public RedisChatBus(URI uri, String prefix) {
        if (uri.getScheme() == null || !uri.getScheme().matches("rediss?") || uri.getHost() == null) {
            throw new IllegalArgumentException("a Redis URL looks like redis://host:6379 (or rediss:// for TLS), got " + uri);
        }
        this.address = new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
        this.config = clientConfig(uri);
        this.where = uri.getScheme() + "://" + address + (uri.getPath() == null ? "" : uri.getPath());
        this.idKey = prefix + ":id";
        this.historyKey = prefix + ":history";
        this.channel = prefix + ":published";
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        // Check a pooled connection before use: after Redis restarts, every idle one is dead.
        pool.setTestOnBorrow(true);
        this.commands = RedisClient.builder().hostAndPort(address).clientConfig(config).poolConfig(pool).build();
        this.listener = new Thread(this::listen, "jwsgi-chat-redis-" + channel);
        listener.setDaemon(true);
        listener.start();
    }

    @Override
    public ChatMessage publish(String name, String text) {
        String stored;
        try {
            stored = (String) commands.eval(PUBLISH, List.of(idKey, historyKey, channel), List.of(
                    ChatMessage.fieldsAfterId(name, text, System.currentTimeMillis()), Integer.toString(HISTORY), node));
        } catch (JedisException e) {
            throw new ChatBusException("publishing a chat message to Redis at " + where + " failed: " + e.getMessage(), e);
        }
        // This node's requests are woken here; the announcement wakes the other nodes'.
        subscribers.runAll();
        return ChatMessage.fromJson(stored);
    }

    @Override
    public List<ChatMessage> since(long afterId) {
        List<String> stored;
        try {
            stored = commands.zrange(historyKey, new ZRangeParams(Protocol.Keyword.BYSCORE, "(" + afterId, "+inf"));
        } catch (JedisException e) {
            throw new ChatBusException("reading the chat history from Redis at " + where + " failed: " + e.getMessage(), e);
        }
        List<ChatMessage> found = new ArrayList<>(stored.size());
        for (String json : stored) {
            found.add(ChatMessage.fromJson(json));
        }
        return found;
    }

    @Override
    public Subscription subscribe(Runnable onPublish) {
        return subscribers.add(onPublish);
    }

    @Override
    public int subscribers() {
        return subscribers.size();
    }

    /** Whether this node is subscribed to the announcements now (for health checks and tests). */
    public boolean isListening() {
        Listening l = current;
        return l != null && l.isSubscribed();
    }

    @Override
    public void close() {
        closed = true;
        Listening l = current;
        if (l != null) {
            l.stop();
        }
        listener.interrupt();
        try {
            listener.join(TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        commands.close();
        subscribers.clear();
    }

    @Override
    public String toString() {
        return "RedisChatBus[" + where + ", " + channel + "]";
    }

    private static JedisClientConfig clientConfig(URI uri) {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().timeoutMillis(TIMEOUT_MILLIS)
                // Plain RESP2 is all this bus needs; it also works on Redis before 6.
                .protocol(RedisProtocol.RESP2)
                .user(JedisURIHelper.getUser(uri))
                .password(JedisURIHelper.getPassword(uri));
        if (JedisURIHelper.isRedisSSLScheme(uri)) {
            b.sslOptions(SslOptions.defaults());
        }
        if (JedisURIHelper.hasDbIndex(uri)) {
            b.database(JedisURIHelper.getDBIndex(uri));
        }
        return b.build();
    }

    /** The listener thread: subscribe, and after any failure log, pause and subscribe again. */
    private void listen() {
        long backoff = 500;
        boolean lost = false;
        while (!closed) {
            Listening attempt = new Listening(lost);
            current = attempt;
            try (Jedis connection = new Jedis(address, config)) {
                attempt.connection = connection;
                if (closed) {
                    return;
                }
                connection.subscribe(attempt, channel);
            } catch (JedisException e) {
                if (closed) {
                    return;
                }
                backoff = attempt.wasSubscribed ? 500 : backoff;
                LOG.log(Level.WARNING, "chat bus: the Redis subscription at {0} failed ({1}); reconnecting in {2,number,#} ms."
                        + " Requests waiting here are woken once it is back.", new Object[] {where, e.toString(), backoff});
                lost = true;
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    /** One pub/sub connection's callbacks. */
    private final class Listening extends JedisPubSub {
        private final boolean reconnecting;
        private volatile Jedis connection;
        private volatile boolean wasSubscribed;

        Listening(boolean reconnecting) {
            this.reconnecting = reconnecting;
        }

        @Override
        public void onSubscribe(String name, int count) {
            wasSubscribed = true;
            if (reconnecting) {
                LOG.log(Level.INFO, "chat bus: subscribed again to {0} at {1}; waking the {2} requests waiting here",
                        new Object[] {channel, where, subscribers.size()});
            }
            // Messages may have been announced while nothing listened: let every waiter reread the history.
            subscribers.runAll();
        }

        @Override
        public void onMessage(String name, String message) {
            if (!message.startsWith(node + " ")) {
                subscribers.runAll();
            }
        }

        void stop() {
            try {
                if (isSubscribed()) {
                    unsubscribe();
                }
            } catch (JedisException | IllegalStateException e) {
                // The connection is going away anyway: closing it below ends the listener's read.
            }
            Jedis c = connection;
            if (c != null) {
                c.close();
            }
        }
    }
}
