package io.jwsgi.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.server.Engine;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * The example of docs/operations.md, run against an MBean registered as {@code JwsgiServlet}
 * registers it. The code between {@code docs:begin} and {@code docs:end} is what the page shows,
 * word for word ({@code DocBlocksTest}).
 */
class OperationsDocTest {

    @Test
    void readingTheFiguresFromCode() throws Exception {
        Engine engine = Engine.builder().name("operations-doc").build();
        ObjectName registered = JwsgiMetrics.name("/app", "chat");
        ManagementFactory.getPlatformMBeanServer().registerMBean(
                new JwsgiMetrics("com.example.ChatApp", engine.metrics()), registered);
        try {
            // docs:begin
            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            ObjectName chat = JwsgiMetrics.name("/app", "chat");   // io.jwsgi:type=Servlet,context="/app",name="chat"
            int asleep = (Integer) jmx.getAttribute(chat, "Asleep");
            double p99 = (Double) jmx.getAttribute(chat, "WakeToWriteP99Millis");
            // docs:end

            assertThat(chat).isEqualTo(registered);
            assertThat(asleep).as("no response sleeps on a new engine").isZero();
            assertThat(p99).as("no wake timed yet: -1").isEqualTo(-1.0);
        } finally {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(registered);
            engine.shutdown(Duration.ZERO);
        }
    }
}
