package io.jwsgi.docs;

import io.jwsgi.middleware.AccessLog;
import io.jwsgi.middleware.Gzip;
import io.jwsgi.middleware.Pipeline;

// docs:begin
public final class Site extends Pipeline {
    public Site() {
        super(Pipeline.of(new ChatApp()).with(Gzip::new).with(AccessLog::new));
    }
}
// docs:end
