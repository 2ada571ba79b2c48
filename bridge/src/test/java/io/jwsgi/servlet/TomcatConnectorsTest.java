package io.jwsgi.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class TomcatConnectorsTest {

    private static final String TOMCAT = "Apache Tomcat/11.0.27";
    private final MBeanServer mbeans = MBeanServerFactory.newMBeanServer();

    /**
     * Read-only attributes named as Tomcat names those of its protocol handlers' MBeans (the
     * getter's name, first letter in lower case: {@code processorCache}).
     */
    private static final class Bean implements DynamicMBean {
        private final Map<String, Object> attributes;

        Bean(Map<String, Object> attributes) {
            this.attributes = attributes;
        }

        @Override
        public Object getAttribute(String name) throws AttributeNotFoundException {
            if (!attributes.containsKey(name)) {
                throw new AttributeNotFoundException(name);
            }
            return attributes.get(name);
        }

        @Override
        public void setAttribute(Attribute attribute) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public AttributeList getAttributes(String[] names) {
            return new AttributeList();
        }

        @Override
        public AttributeList setAttributes(AttributeList list) {
            return new AttributeList();
        }

        @Override
        public Object invoke(String action, Object[] params, String[] signature) {
            throw new UnsupportedOperationException(action);
        }

        @Override
        public MBeanInfo getMBeanInfo() {
            return new MBeanInfo(Bean.class.getName(), "test", new MBeanAttributeInfo[0], null, null, null);
        }
    }

    private void register(String name, Map<String, Object> attributes) throws Exception {
        mbeans.registerMBean(new Bean(attributes), new ObjectName(name));
    }

    @Test
    void aTomcatConnectorWithTheDefaultProcessorCacheIsNamedWithItsPortAndValue() throws Exception {
        register("Tomcat:type=ProtocolHandler,port=8080", Map.of("processorCache", 200));

        List<TomcatConnectors.Connector> found = TomcatConnectors.reusingProcessors(TOMCAT, mbeans);

        assertThat(found).containsExactly(new TomcatConnectors.Connector("Tomcat:type=ProtocolHandler,port=8080",
                "port 8080 (processorCache=200)"));
        assertThat(TomcatConnectors.advice(List.of(found.get(0).description())))
                .contains("port 8080 (processorCache=200)", "processorCache=\"0\" on the <Connector>", "docs/tomcat.md")
                .hasSizeLessThan(240);
    }

    private List<String> descriptions() {
        return TomcatConnectors.reusingProcessors(TOMCAT, mbeans).stream().map(TomcatConnectors.Connector::description).toList();
    }

    @Test
    void eachConnectorIsNamedOncePerJvm() {
        // given two connectors no servlet of this JVM named yet
        var first = new TomcatConnectors.Connector("Test:type=ProtocolHandler,port=auto-" + System.nanoTime(), "port 1");
        var second = new TomcatConnectors.Connector("Test:type=ProtocolHandler,port=auto-" + System.nanoTime(), "port 2");

        // when three servlets start, the third one seeing a second connector
        String one = TomcatConnectors.adviceOnce(List.of(first));
        String two = TomcatConnectors.adviceOnce(List.of(first));
        String three = TomcatConnectors.adviceOnce(List.of(first, second));

        // then the first names it, the second says nothing, the third names only the new one
        assertThat(one).as("first servlet's notice").contains("port 1 ");
        assertThat(two).as("second servlet's notice").isNull();
        assertThat(three).as("third servlet's notice").contains("port 2 ").doesNotContain("port 1");
    }

    @Test
    void connectorsWithoutProcessorReuseAndMBeansWithoutTheAttributeAreNotNamed() throws Exception {
        register("Catalina:type=ProtocolHandler,port=8080", Map.of("processorCache", 0));
        register("Catalina:type=ProtocolHandler,port=8443", Map.of("processorCache", -1));
        register("Catalina:type=ProtocolHandler,port=8009", Map.of("name", "ajp"));
        register("Catalina:type=Connector,port=8081", Map.of("processorCache", 200));

        assertThat(descriptions()).containsExactly("port 8443 (processorCache=-1)");
    }

    @Test
    void aConnectorOnAnAutomaticPortIsNamedByThePortItListensOn() throws Exception {
        register("Tomcat:type=ProtocolHandler,port=auto-1,address=\"127.0.0.1\"",
                Map.of("processorCache", 200, "localPort", 41234));
        register("Tomcat:type=ProtocolHandler,port=auto-2", Map.of("processorCache", 200, "localPort", -1));

        assertThat(descriptions()).containsExactlyInAnyOrder("port 41234 (processorCache=200)", "port auto-2 (processorCache=200)");
    }

    @Test
    void otherContainersAreNotAsked() throws Exception {
        register("Tomcat:type=ProtocolHandler,port=8080", Map.of("processorCache", 200));

        assertThat(TomcatConnectors.reusingProcessors("jetty/12.1.14", mbeans)).isEmpty();
        assertThat(TomcatConnectors.reusingProcessors(null, mbeans)).isEmpty();
    }
}
