package io.jwsgi.sample.chat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import io.jwsgi.sample.Http;
import io.jwsgi.sample.Json;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A chat room: {@code GET /chat/} is the page; the page posts with {@code POST /chat/messages}
 * and receives through long-poll ({@code GET /chat/poll?after=N}) or server-sent events
 * ({@code GET /chat/events}). {@code GET /chat/messages} returns the kept history.
 *
 * <p>Waiting requests sleep ({@code async.sleep}) until the {@link ChatBus} wakes them: no thread
 * is held per idle client. The bus is {@link MemoryChatBus} unless a Redis URL is configured,
 * first by the context-param {@value #REDIS_PARAM}, then by the environment variable
 * {@value #REDIS_ENV}; then it is a {@link RedisChatBus} shared by every server configured alike.
 */
public final class ChatApp implements Application, AutoCloseable {

    /** The context-param naming a Redis URL, e.g. {@code redis://127.0.0.1:6379}. */
    public static final String REDIS_PARAM = "chat.redis";
    /** The environment variable naming a Redis URL, used when the context-param is absent. */
    public static final String REDIS_ENV = "JWSGI_CHAT_REDIS";

    private static final Logger LOG = Logger.getLogger(ChatApp.class.getName());
    private static final int MAX_POST_BYTES = 16 * 1024;

    private final String page = Http.resource("chat.html");
    private final ScheduledThreadPoolExecutor timer;
    private volatile Thread timerThread;
    private final Duration pollTimeout;
    private final Duration heartbeat;
    private volatile ChatBus bus;

    /** For {@code web.xml}: the bus is chosen from the configuration at the first request. */
    public ChatApp() {
        this(null, Duration.ofSeconds(25), Duration.ofSeconds(15));
    }

    /**
     * Serves a room on the given bus, which {@link #close()} closes.
     *
     * @param bus the bus
     */
    public ChatApp(ChatBus bus) {
        this(bus, Duration.ofSeconds(25), Duration.ofSeconds(15));
    }

    /**
     * @param bus the bus, or {@code null} to choose it from the configuration
     * @param pollTimeout how long a long-poll waits before answering an empty list
     * @param heartbeat how often an idle event stream sends a comment
     */
    ChatApp(ChatBus bus, Duration pollTimeout, Duration heartbeat) {
        this.bus = bus;
        this.pollTimeout = pollTimeout;
        this.heartbeat = heartbeat;
        this.timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread t = new Thread(task, "jwsgi-sample-chat-timer");
            t.setDaemon(true);
            timerThread = t;
            return t;
        });
        // Thousands of waiting clients each cancel a timeout: don't keep them queued until due.
        timer.setRemoveOnCancelPolicy(true);
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) {
        String method = (String) environ.get(Environ.REQUEST_METHOD);
        String path = (String) environ.get(Environ.PATH_INFO);
        switch (path) {
            case "":
                return Http.redirectToSlash(environ, start);
            case "/":
                return method.equals("GET") ? Http.respond(start, "200 OK", Http.HTML, page)
                        : Http.methodNotAllowed(start, "GET");
            case "/messages":
                if (method.equals("POST")) {
                    return post(environ, start);
                }
                return method.equals("GET") ? history(start, bus(environ)) : Http.methodNotAllowed(start, "GET, POST");
            case "/poll":
            case "/events":
                return method.equals("GET") ? wait(path, environ, start) : Http.methodNotAllowed(start, "GET");
            default:
                return Http.notFound(environ, start);
        }
    }

    private Iterable<byte[]> wait(String path, Map<String, Object> environ, StartResponse start) {
        Map<String, String> query = Http.query(environ);
        long after;
        try {
            after = cursor(path.equals("/events") ? (String) environ.get("HTTP_LAST_EVENT_ID") : null,
                    query.get("after"));
        } catch (NumberFormatException e) {
            return Http.respond(start, "400 Bad Request", Http.TEXT,
                    "after must be a message id (a whole number >= 0), got \"" + query.get("after") + "\"\n");
        }
        Runnable sleep = (Runnable) environ.get(Environ.ASYNC_SLEEP);
        Runnable wake = (Runnable) environ.get(Environ.ASYNC_WAKE);
        if (path.equals("/poll")) {
            return new LongPoll(bus(environ), after, start, sleep, wake, timer, pollTimeout);
        }
        start.start("200 OK", List.of(new Header("Content-Type", "text/event-stream; charset=utf-8"),
                new Header("Cache-Control", "no-store"),
                // Tells nginx-style proxies not to buffer the stream.
                new Header("X-Accel-Buffering", "no")));
        return new EventStream(bus(environ), after, sleep, wake, timer, heartbeat);
    }

    /** The last id the client has: its {@code Last-Event-ID} if it sent one, else {@code ?after}, else 0. */
    static long cursor(String lastEventId, String after) {
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                return nonNegative(lastEventId);
            } catch (NumberFormatException e) {
                // Not an id this room gave: fall back to ?after.
            }
        }
        return after == null || after.isEmpty() ? 0 : nonNegative(after);
    }

    private static long nonNegative(String s) {
        long n = Long.parseLong(s.trim());
        if (n < 0) {
            throw new NumberFormatException("negative: " + s);
        }
        return n;
    }

    private static Iterable<byte[]> history(StartResponse start, ChatBus bus) {
        try {
            return Http.respond(start, "200 OK", Http.JSON, ChatMessage.listJson(bus.since(0)), "Cache-Control", "no-store");
        } catch (ChatBus.ChatBusException e) {
            return unavailable(start, e);
        }
    }

    private Iterable<byte[]> post(Map<String, Object> environ, StartResponse start) {
        Map<String, ?> fields;
        try {
            fields = fields(environ);
        } catch (Http.TooLarge e) {
            return Http.respond(start, "413 Content Too Large", Http.TEXT, e.getMessage() + "\n");
        } catch (IllegalArgumentException e) {
            return Http.respond(start, "400 Bad Request", Http.TEXT, e.getMessage() + "\n");
        } catch (UnsupportedOperationException e) {
            return Http.respond(start, "415 Unsupported Media Type", Http.TEXT, e.getMessage() + "\n");
        }
        String name = fields.get("name") instanceof String s && !s.isBlank() ? s.strip() : "anonymous";
        String text = fields.get("text") instanceof String s ? s.strip() : "";
        String problem = text.isEmpty() ? "text is missing or blank"
                : text.length() > ChatMessage.MAX_TEXT ? "text is longer than " + ChatMessage.MAX_TEXT + " characters"
                : name.length() > ChatMessage.MAX_NAME ? "name is longer than " + ChatMessage.MAX_NAME + " characters" : null;
        if (problem != null) {
            return Http.respond(start, "400 Bad Request", Http.TEXT, problem + "\n");
        }
        try {
            // Wakes every waiting request of the room, on this node and, through Redis, on the others.
            ChatMessage message = bus(environ).publish(name, text);
            return Http.respond(start, "201 Created", Http.JSON, message.toJson());
        } catch (ChatBus.ChatBusException e) {
            return unavailable(start, e);
        }
    }

    /** The posted name and text, from JSON or an HTML form. */
    private static Map<String, ?> fields(Map<String, Object> environ) {
        String type = ((String) environ.getOrDefault(Environ.CONTENT_TYPE, "")).toLowerCase(java.util.Locale.ROOT);
        if (!type.startsWith("application/json") && !type.startsWith("application/x-www-form-urlencoded")) {
            throw new UnsupportedOperationException("post application/json ({\"name\":...,\"text\":...})"
                    + " or application/x-www-form-urlencoded (name=...&text=...), not \"" + type + "\"");
        }
        String body = new String(Http.body(environ, MAX_POST_BYTES), StandardCharsets.UTF_8);
        return type.startsWith("application/json") ? Json.parseObject(body) : Http.form(body);
    }

    private static Iterable<byte[]> unavailable(StartResponse start, ChatBus.ChatBusException e) {
        LOG.log(Level.WARNING, "chat answered 503: {0}", e.getMessage());
        return Http.respond(start, "503 Service Unavailable", Http.JSON, "{\"error\":\"the chat store is unavailable\"}");
    }

    private ChatBus bus(Map<String, Object> environ) {
        ChatBus b = bus;
        if (b == null) {
            synchronized (this) {
                if (bus == null) {
                    bus = configured(contextParam(environ), System.getenv(REDIS_ENV));
                }
                b = bus;
            }
        }
        return b;
    }

    /**
     * The bus a configuration asks for: Redis at the first non-blank URL, else in memory.
     *
     * @param contextParam the {@value #REDIS_PARAM} context-param, or {@code null}
     * @param environmentVariable the {@value #REDIS_ENV} variable, or {@code null}
     * @return a new bus
     */
    static ChatBus configured(String contextParam, String environmentVariable) {
        String url = contextParam != null && !contextParam.isBlank() ? contextParam
                : environmentVariable != null && !environmentVariable.isBlank() ? environmentVariable : null;
        if (url == null) {
            LOG.info("chat: messages are kept in this server's memory; set the context-param " + REDIS_PARAM
                    + " or the environment variable " + REDIS_ENV + " to a Redis URL to share them between servers");
            return new MemoryChatBus();
        }
        ChatBus redis = new RedisChatBus(URI.create(url.trim()));
        LOG.info("chat: messages are shared through " + redis);
        return redis;
    }

    /** The deployment's configuration is the one thing the chat needs from the container. */
    private static String contextParam(Map<String, Object> environ) {
        return environ.get(Environ.SERVLET_REQUEST) instanceof HttpServletRequest request
                ? request.getServletContext().getInitParameter(REDIS_PARAM) : null;
    }

    /** Stops the timer and closes the bus; the servlet calls this when the application is taken down. */
    @Override
    public void close() {
        timer.shutdownNow();
        Thread t = timerThread;
        try {
            // Ended before the container checks for threads the application left running.
            if (t != null) {
                t.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ChatBus b = bus;
        if (b != null) {
            b.close();
        }
    }
}
