package io.jwsgi.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.servlet.JwsgiMetrics;
import io.jwsgi.servlet.JwsgiMetricsMBean;
import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockResponse;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.junit.jupiter.api.Test;

/** The index's {@code metrics.json}: the MBeans of its own context, read from the platform MBeanServer. */
class ServletMetricsTest {

    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    @Test
    void metricsJsonListsTheServletsOfItsOwnContextOnly() throws Exception {
        // given MBeans as JwsgiServlet registers them, in this context and in another
        ObjectName chat = JwsgiMetrics.name("/sample", "chat");
        ObjectName other = JwsgiMetrics.name("/other", "chat");
        JMX.registerMBean(new StandardMBean(figures(7), JwsgiMetricsMBean.class), chat);
        JMX.registerMBean(new StandardMBean(figures(1), JwsgiMetricsMBean.class), other);
        try {
            // when the index's metrics.json is asked for under /sample
            MockResponse response = MockContainer.of(new IndexApp()).deadline(Duration.ofSeconds(20))
                    .get("/metrics.json").scriptName("/sample").send();

            // then it lists the chat servlet of /sample with its figures
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Content-Type")).isEqualTo("application/json");
            Map<String, Object> json = Json.parseObject(response.text());
            assertThat(json.get("context")).isEqualTo("/sample");
            List<?> servlets = (List<?>) json.get("servlets");
            assertThat(servlets).as("only /sample's servlets").hasSize(1);
            @SuppressWarnings("unchecked")
            Map<String, Object> servlet = (Map<String, Object>) servlets.get(0);
            assertThat(servlet.get("name")).isEqualTo("chat");
            assertThat(servlet.get("Asleep").toString()).isEqualTo("7");
            assertThat(servlet.get("WakeToWriteP99Millis").toString()).isEqualTo("7.500");
            assertThat(servlet.keySet()).containsAll(ServletMetrics.ATTRIBUTES);
        } finally {
            JMX.unregisterMBean(chat);
            JMX.unregisterMBean(other);
        }
    }

    @Test
    void theRootContextIsNamedSlash() {
        assertThat(JwsgiMetrics.name("", "index").toString())
                .isEqualTo("io.jwsgi:type=Servlet,context=\"/\",name=\"index\"");
        assertThat(ServletMetrics.json("")).startsWith("{\"context\": \"/\"");
    }

    /** An MBean whose every figure is {@code n} (latencies {@code n + 0.5}). */
    private static JwsgiMetricsMBean figures(int n) {
        return (JwsgiMetricsMBean) Proxy.newProxyInstance(JwsgiMetricsMBean.class.getClassLoader(),
                new Class<?>[] {JwsgiMetricsMBean.class}, (proxy, method, args) -> {
                    Class<?> type = method.getReturnType();
                    return type == int.class ? n : type == long.class ? (long) n : type == double.class ? n + 0.5
                            : type == boolean.class ? proxy == args[0] : type == String.class ? "app" : null;
                });
    }
}
