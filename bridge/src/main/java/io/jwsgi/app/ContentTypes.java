package io.jwsgi.app;

import java.util.Locale;
import java.util.Map;

/**
 * The {@code Content-Type} of a file from its name's extension, the same on every platform (unlike
 * {@code Files.probeContentType}).
 *
 * <pre>{@code
 * ContentTypes.of("app.js")      // "text/javascript; charset=utf-8"
 * ContentTypes.of("logo.png")    // "image/png"
 * ContentTypes.of("data.bin")    // "application/octet-stream"
 * }</pre>
 *
 * <p>Text types carry {@code charset=utf-8}. Unknown extensions are {@code application/octet-stream}.
 */
public final class ContentTypes {

    /** The type of unknown files. */
    public static final String UNKNOWN = "application/octet-stream";

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html"), Map.entry("htm", "text/html"), Map.entry("css", "text/css"),
            Map.entry("js", "text/javascript"), Map.entry("mjs", "text/javascript"), Map.entry("txt", "text/plain"),
            Map.entry("csv", "text/csv"), Map.entry("md", "text/markdown"), Map.entry("xml", "text/xml"),
            Map.entry("json", "application/json"), Map.entry("map", "application/json"),
            Map.entry("webmanifest", "application/manifest+json"), Map.entry("wasm", "application/wasm"),
            Map.entry("pdf", "application/pdf"), Map.entry("zip", "application/zip"), Map.entry("gz", "application/gzip"),
            Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"),
            Map.entry("avif", "image/avif"), Map.entry("ico", "image/vnd.microsoft.icon"),
            Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"), Map.entry("ttf", "font/ttf"),
            Map.entry("otf", "font/otf"), Map.entry("mp3", "audio/mpeg"), Map.entry("ogg", "audio/ogg"),
            Map.entry("wav", "audio/wav"), Map.entry("mp4", "video/mp4"), Map.entry("webm", "video/webm"));

    private ContentTypes() {
    }

    /**
     * Returns the content type for a file name.
     *
     * @param fileName a file name or path; only the part after the last {@code .} of the last segment counts
     * @return the content type, with {@code ; charset=utf-8} for text types
     */
    public static String of(String fileName) {
        int slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
        int dot = fileName.lastIndexOf('.');
        if (dot <= slash + 1) {
            return UNKNOWN;
        }
        String type = TYPES.get(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (type == null) {
            return UNKNOWN;
        }
        return type.startsWith("text/") ? type + "; charset=utf-8" : type;
    }
}
