package io.pushwire.server.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.http.client.ReactorResourceFactory;

import io.pushwire.server.PushTestApplication;

/**
 * Several application nodes in this JVM that share one Redis
 * ({@code pushwire.server.store=redis}), each a {@link PushTestApplication} on a port of
 * its own. A node can be stopped and started again on the same port.
 */
public final class RedisNodes implements AutoCloseable {

	private final RedisTestServer redis;

	private final List<String> properties;

	private final ConfigurableApplicationContext[] contexts;

	private final int[] ports;

	private RedisNodes(RedisTestServer redis, int count, List<String> properties) {
		this.redis = redis;
		this.properties = properties;
		this.contexts = new ConfigurableApplicationContext[count];
		this.ports = new int[count];
	}

	/**
	 * Start {@code count} nodes on the given Redis.
	 * @param redis the Redis they share
	 * @param count how many nodes
	 * @param properties more properties for every node ({@code name=value})
	 * @return the started nodes
	 */
	public static RedisNodes start(RedisTestServer redis, int count, String... properties) {
		RedisNodes nodes = new RedisNodes(redis, count, new ArrayList<>(Arrays.asList(properties)));
		try {
			for (int node = 0; node < count; node++) {
				nodes.start(node);
			}
		}
		catch (RuntimeException ex) {
			nodes.close();
			throw ex;
		}
		return nodes;
	}

	/**
	 * Start a node (again), on its previous port if it had one.
	 * @param node the node's index
	 */
	public void start(int node) {
		if (this.contexts[node] != null) {
			return;
		}
		List<String> all = new ArrayList<>();
		all.add("server.port=" + this.ports[node]);
		all.add("pushwire.server.store=redis");
		all.add("spring.data.redis.url=" + this.redis.url());
		all.add("spring.reactor.netty.shutdown-quiet-period=0s");
		all.addAll(this.properties);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(PushTestApplication.class,
				OwnNettyResources.class)
			.web(WebApplicationType.REACTIVE)
			.properties(all.toArray(String[]::new))
			.run();
		this.contexts[node] = context;
		this.ports[node] = ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	/**
	 * Stop a node as a graceful shutdown does.
	 * @param node the node's index
	 */
	public void stop(int node) {
		ConfigurableApplicationContext context = this.contexts[node];
		if (context != null) {
			this.contexts[node] = null;
			context.close();
		}
	}

	/**
	 * Cut a node off from Redis as a crash would, as far as the other nodes see it: its
	 * Redis connection factory is stopped, so it renews no lease and cleans nothing up,
	 * and the other nodes must clean up after it once its lease runs out. The node's
	 * context stays open (its WebSocket connections too) until {@link #stop} or
	 * {@link #close}.
	 * @param node the node's index
	 */
	public void cutOffFromRedis(int node) {
		context(node).getBean(LettuceConnectionFactory.class).stop();
	}

	/**
	 * The number of nodes.
	 * @return how many nodes there are, running or stopped
	 */
	public int size() {
		return this.contexts.length;
	}

	/**
	 * A running node's HTTP port.
	 * @param node the node's index
	 * @return its port
	 */
	public int port(int node) {
		return this.ports[node];
	}

	/**
	 * A running node's application context.
	 * @param node the node's index
	 * @return its context
	 * @throws IllegalStateException if the node is stopped
	 */
	public ConfigurableApplicationContext context(int node) {
		ConfigurableApplicationContext context = this.contexts[node];
		if (context == null) {
			throw new IllegalStateException("Node " + node + " is stopped");
		}
		return context;
	}

	/**
	 * A bean of a running node.
	 * @param <T> the bean's type
	 * @param node the node's index
	 * @param type the bean's type
	 * @return the bean
	 */
	public <T> T bean(int node, Class<T> type) {
		return context(node).getBean(type);
	}

	/**
	 * The Redis the nodes share.
	 * @return the Redis
	 */
	public RedisTestServer redis() {
		return this.redis;
	}

	@Override
	public void close() {
		for (int node = 0; node < this.contexts.length; node++) {
			stop(node);
		}
	}

	/**
	 * Netty loops and connection pools of the node's own: with Reactor Netty's global
	 * ones (Boot's default), stopping one node would dispose of the loops that the other
	 * nodes of this JVM serve their connections on.
	 */
	@Configuration(proxyBeanMethods = false)
	static class OwnNettyResources {

		@Bean
		ReactorResourceFactory reactorResourceFactory() {
			ReactorResourceFactory factory = new ReactorResourceFactory();
			factory.setUseGlobalResources(false);
			factory.setShutdownQuietPeriod(Duration.ZERO);
			return factory;
		}

	}

}
