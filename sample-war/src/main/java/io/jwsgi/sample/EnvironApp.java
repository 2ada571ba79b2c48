package io.jwsgi.sample;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.StartResponse;
import java.util.Map;
import java.util.TreeMap;

/**
 * Shows the environ as the application sees it: an HTML table of every key, the Java type of its
 * value and the value itself. Try {@code /environ/any/path?x=1} to see {@code SCRIPT_NAME},
 * {@code PATH_INFO} and {@code QUERY_STRING} split the URL.
 */
public final class EnvironApp implements Application {

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) {
        StringBuilder rows = new StringBuilder();
        for (Map.Entry<String, Object> e : new TreeMap<>(environ).entrySet()) {
            Object value = e.getValue();
            rows.append("<tr><th>").append(Http.escape(e.getKey()))
                    .append("</th><td class=\"type\">").append(breakable(typeName(value)))
                    .append("</td><td class=\"value\">").append(Http.escape(describe(value))).append("</td></tr>\n");
        }
        String page = """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>environ · JWSGI</title>
                <link rel="stylesheet" href="%1$sstyle.css"><link rel="icon" type="image/svg+xml" href="%1$sfavicon.svg"></head>
                <body class="wide"><p><a href="%1$s">JWSGI sample</a></p>
                <h1>The environ</h1>
                <p>What <code>Application.call</code> received for this request (%2$d keys).</p>
                <table id="environ"><thead><tr><th>key</th><th>Java type</th><th>value</th></tr></thead>
                <tbody>
                %3$s</tbody></table></body></html>
                """.formatted(Http.escape(relativeRoot(environ)), environ.size(), rows);
        return Http.respond(start, "200 OK", Http.HTML, page);
    }

    /** The value's class, or for a lambda (such as {@code async.wake}) the interface it implements. */
    static String typeName(Object value) {
        if (value == null) {
            return "null";
        }
        Class<?> type = value.getClass();
        return type.isHidden() && type.getInterfaces().length > 0 ? type.getInterfaces()[0].getName() : type.getName();
    }

    /** A class name, escaped, with a line-break opportunity after each dot and before each nested class. */
    static String breakable(String typeName) {
        return Http.escape(typeName).replace(".", ".<wbr>").replace("$", "<wbr>$");
    }

    private static String describe(Object value) {
        return value != null && value.getClass().isHidden() ? "(a function)" : String.valueOf(value);
    }

    /** A relative path from this URL to the directory the application is mounted in, ending in {@code /}. */
    static String relativeRoot(Map<String, Object> environ) {
        String path = (String) environ.get(Environ.PATH_INFO);
        int depth = (int) path.chars().filter(c -> c == '/').count();
        return depth == 0 ? "./" : "../".repeat(depth);
    }
}
