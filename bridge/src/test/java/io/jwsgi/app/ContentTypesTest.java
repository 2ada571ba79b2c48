package io.jwsgi.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContentTypesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "index.html          | text/html; charset=utf-8",
        "APP.JS              | text/javascript; charset=utf-8",
        "css/site.css        | text/css; charset=utf-8",
        "data.json           | application/json",
        "logo.svg            | image/svg+xml",
        "photo.jpeg          | image/jpeg",
        "font.woff2          | font/woff2",
        "module.wasm         | application/wasm",
        "archive.tar.gz      | application/gzip",
        "README              | application/octet-stream",
        ".htaccess           | application/octet-stream",
        "dir.d/file          | application/octet-stream",
        "x.unknownext        | application/octet-stream",
    })
    void typeFollowsTheExtension(String name, String type) {
        assertThat(ContentTypes.of(name)).isEqualTo(type);
    }
}
