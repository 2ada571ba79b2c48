package io.jwsgi.sample;

import io.jwsgi.sample.chat.ChatApp;
import io.jwsgi.sample.chat.MemoryChatBus;
import io.jwsgi.servlet.Jwsgi;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

// docs:begin
@WebListener
public class Startup implements ServletContextListener {
    @Override
    public void contextInitialized(ServletContextEvent event) {
        Jwsgi.register(event.getServletContext(), "chat", new ChatApp(new MemoryChatBus()), "/chat/*")
             .setInitParameter("async-timeout", "60000");
    }
}
// docs:end
