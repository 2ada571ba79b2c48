package io.jwsgi.sample.chat;

import io.jwsgi.sample.Json;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * One chat message. Its JSON form, {@code {"id":7,"name":"Ada","text":"hi","time":1700000000000}},
 * is what the pages receive and what the Redis bus stores.
 *
 * @param id the message's number in the room: 1, 2, 3... in the order messages were posted
 * @param name who posted it
 * @param text what they wrote
 * @param time when it was posted, in milliseconds since the epoch
 */
public record ChatMessage(long id, String name, String text, long time) {

    /** The longest name accepted, in characters. */
    public static final int MAX_NAME = 40;
    /** The longest text accepted, in characters. */
    public static final int MAX_TEXT = 2000;

    /** The JSON object. */
    public String toJson() {
        return "{\"id\":" + id + "," + fieldsAfterId(name, text, time);
    }

    /**
     * The members that follow {@code "id"}, and the closing brace: the JSON of a message whose id
     * is not known yet (the Redis bus assigns it inside the server and prepends it).
     */
    static String fieldsAfterId(String name, String text, long time) {
        return "\"name\":" + Json.quote(name) + ",\"text\":" + Json.quote(text) + ",\"time\":" + time + "}";
    }

    /**
     * Reads the JSON form back.
     *
     * @param json an object with the four members
     * @return the message
     * @throws IllegalArgumentException if a member is missing or of the wrong type
     */
    public static ChatMessage fromJson(String json) {
        Map<String, Object> m = Json.parseObject(json);
        return new ChatMessage(number(m, "id"), string(m, "name"), string(m, "text"), number(m, "time"));
    }

    /** A JSON object holding the messages in order: {@code {"messages":[...]}}. */
    public static String listJson(List<ChatMessage> messages) {
        StringBuilder out = new StringBuilder("{\"messages\":[");
        for (int i = 0; i < messages.size(); i++) {
            out.append(i == 0 ? "" : ",").append(messages.get(i).toJson());
        }
        return out.append("]}").toString();
    }

    private static long number(Map<String, Object> m, String key) {
        if (m.get(key) instanceof BigDecimal n) {
            return n.longValueExact();
        }
        throw new IllegalArgumentException("a chat message needs a whole number \"" + key + "\", got " + m.get(key));
    }

    private static String string(Map<String, Object> m, String key) {
        if (m.get(key) instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("a chat message needs a string \"" + key + "\", got " + m.get(key));
    }
}
