package io.pushwire.server.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.ReactiveRedisClusterConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.RedisStaticMasterReplicaConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import reactor.test.StepVerifier;
import tools.jackson.databind.node.IntNode;

import io.pushwire.core.ChannelName;
import io.pushwire.core.Frame;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.server.channel.ChannelKind;
import io.pushwire.server.redis.RedisStoreSettings.PubSub;
import io.pushwire.server.stream.Attachment;
import io.pushwire.server.stream.ChannelHub;
import io.pushwire.server.stream.ChannelStream;
import io.pushwire.server.stream.HubChannelStreamStore;
import io.pushwire.server.stream.StoredFrame;
import io.pushwire.server.stream.StreamListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The live fan-out of {@link RedisChannelStore} between two nodes (two stores, each with
 * its hub, on one Redis prefix) through sharded pub/sub where the server runs it and
 * classic pub/sub where it does not or where it is asked for: which pub/sub channels
 * Redis lists while a node follows a channel, what a lost pub/sub connection costs
 * (nothing), and what {@code pub-sub=sharded} does on a server without it.
 */
class RedisPubSubIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final ChannelKind CHAT = ChannelKind.builder("chat").historySize(1000).build();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private final String prefix = "pubsub-" + UUID.randomUUID().toString().substring(0, 8) + ":";

	private final ChannelName channel = ChannelName.parse("chat:" + UUID.randomUUID().toString().substring(0, 8));

	@AfterEach
	void close() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	@Test
	@Timeout(60)
	void followedChannelIsAShardChannelOnlyWhileTheNodeHasListeners() {
		RedisTestServer redis = RedisTestServer.shared();
		Node publisher = node(redis, PubSub.AUTO);
		Node subscriber = node(redis, PubSub.AUTO);
		StepVerifier.create(subscriber.store.pubSub()).expectNext(PubSub.SHARDED).expectComplete().verify(TIMEOUT);
		Recording listener = new Recording();
		Attachment attachment = subscriber.attach(this.channel, listener);
		String live = subscriber.store.liveChannel(this.channel.value());
		RedisCommands<String, String> commands = commands(redis);
		assertThat(commands.pubsubShardChannels(this.prefix + "*")).containsExactly(live);
		assertThat(commands.pubsubChannels(this.prefix + "*")).isEmpty();
		publish(publisher, 1, 5);
		publisher.stream(this.channel)
			.publishTransient(PreparedMessage.of(new ProtocolCodec(),
					new Frame(this.channel.value(), null, IntNode.valueOf(7), null)))
			.block(TIMEOUT);
		await().atMost(TIMEOUT).until(() -> listener.cursors().size() == 5 && listener.transients() == 1);
		assertThat(listener.cursors()).containsExactly(1L, 2L, 3L, 4L, 5L);
		attachment.detach().dispose();
		await().atMost(TIMEOUT).until(() -> commands.pubsubShardChannels(this.prefix + "*").isEmpty());
	}

	@Test
	@Timeout(60)
	void classicPubSubFansOutThroughClassicChannels() {
		RedisTestServer redis = RedisTestServer.shared();
		Node publisher = node(redis, PubSub.CLASSIC);
		Node subscriber = node(redis, PubSub.CLASSIC);
		StepVerifier.create(subscriber.store.pubSub()).expectNext(PubSub.CLASSIC).expectComplete().verify(TIMEOUT);
		Recording listener = new Recording();
		Attachment attachment = subscriber.attach(this.channel, listener);
		RedisCommands<String, String> commands = commands(redis);
		assertThat(commands.pubsubChannels(this.prefix + "*"))
			.containsExactly(subscriber.store.liveChannel(this.channel.value()));
		assertThat(commands.pubsubShardChannels(this.prefix + "*")).isEmpty();
		publish(publisher, 1, 5);
		await().atMost(TIMEOUT).until(() -> listener.cursors().size() == 5);
		assertThat(listener.cursors()).containsExactly(1L, 2L, 3L, 4L, 5L);
		attachment.detach().dispose();
		await().atMost(TIMEOUT).until(() -> commands.pubsubChannels(this.prefix + "*").isEmpty());
	}

	@Test
	@Timeout(90)
	void lostShardedConnectionIsSubscribedAgainAndWhatWasMissedIsReadFromTheStream() {
		RedisTestServer redis = own(RedisTestServer.startDedicated());
		Node publisher = node(redis, PubSub.AUTO);
		Node subscriber = node(redis, PubSub.AUTO);
		Recording listener = new Recording();
		subscriber.attach(this.channel, listener);
		String live = subscriber.store.liveChannel(this.channel.value());
		RedisCommands<String, String> commands = commands(redis);
		List<StoredFrame> published = new ArrayList<>(publish(publisher, 1, 10));
		await().atMost(TIMEOUT).until(() -> listener.cursors().size() == 10);
		List<String> before = pubSubClients(commands);
		assertThat(before).hasSize(1);
		// The server drops the subscriber's pub/sub connection: what is published now
		// reaches no one until the node has subscribed again, and is read from the
		// stream.
		assertThat(commands.clientKill(KillArgs.Builder.typePubsub())).isEqualTo(1);
		published.addAll(publish(publisher, 11, 20));
		await().atMost(TIMEOUT).until(() -> commands.pubsubShardChannels(this.prefix + "*").contains(live));
		assertThat(pubSubClients(commands)).hasSize(1).doesNotContainAnyElementsOf(before);
		published.addAll(publish(publisher, 21, 30));
		await().atMost(TIMEOUT).until(() -> listener.cursors().size() >= 30);
		assertThat(listener.cursors()).containsExactlyElementsOf(LongStream.rangeClosed(1, 30).boxed().toList());
		assertThat(listener.frames()).extracting(StoredFrame::epoch).containsOnly(published.get(0).epoch());
		assertThat(listener.frames()).extracting((frame) -> frame.payload().asInt())
			.containsExactlyElementsOf(LongStream.rangeClosed(1, 30).mapToObj((n) -> (int) n).toList());
	}

	@Test
	@Timeout(60)
	void autoFallsBackToClassicPubSubOnAServerWithoutShardedPubSub() {
		RedisTestServer redis = own(RedisTestServer.startDedicated("--rename-command", "SPUBLISH", "",
				"--rename-command", "SSUBSCRIBE", ""));
		Node publisher = node(redis, PubSub.AUTO);
		Node subscriber = node(redis, PubSub.AUTO);
		StepVerifier.create(subscriber.store.pubSub()).expectNext(PubSub.CLASSIC).expectComplete().verify(TIMEOUT);
		Recording listener = new Recording();
		subscriber.attach(this.channel, listener);
		assertThat(commands(redis).pubsubChannels(this.prefix + "*"))
			.containsExactly(subscriber.store.liveChannel(this.channel.value()));
		publish(publisher, 1, 5);
		await().atMost(TIMEOUT).until(() -> listener.cursors().size() == 5);
		assertThat(listener.cursors()).containsExactly(1L, 2L, 3L, 4L, 5L);
	}

	@Test
	@Timeout(60)
	void autoFallsBackToClassicPubSubWhenTheUsersAclForbidsShardedPubSub() {
		RedisTestServer redis = own(RedisTestServer.startDedicated("--user", "default", "on", "nopass", "~*", "&*",
				"+@all", "-spublish", "-ssubscribe"));
		Node publisher = node(redis, PubSub.AUTO);
		Node subscriber = node(redis, PubSub.AUTO);
		assertClassicAndFramesArrive(publisher, subscriber);
	}

	@Test
	@Timeout(60)
	void shardedOnAServerWithoutShardedPubSubFailsNamingTheProperty() {
		RedisTestServer redis = own(RedisTestServer.startDedicated("--rename-command", "SPUBLISH", ""));
		Node node = node(redis, PubSub.SHARDED);
		StepVerifier.create(node.store.pubSub())
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(UnsupportedOperationException.class)
				.hasMessageContaining("pushwire.server.redis.pub-sub")
				.hasMessageContaining("Unknown Redis command"))
			.verify(TIMEOUT);
	}

	@Test
	@Timeout(60)
	void autoUsesClassicPubSubWithAConnectionFactoryThatIsNotLettuces() {
		RedisTestServer redis = RedisTestServer.shared();
		LettuceConnectionFactory lettuce = factory(new RedisStandaloneConfiguration(redis.host(), redis.port()));
		Node publisher = node(redis, PubSub.AUTO);
		Node subscriber = node(new Decorated(lettuce), PubSub.AUTO);
		// The publisher's SPUBLISH does not reach a classic subscriber: its catch-up
		// reads the frames from the stream.
		assertClassicAndFramesArrive(publisher, subscriber);
	}

	@Test
	@Timeout(60)
	void autoUsesClassicPubSubWithAStaticMasterReplicaConfiguration() {
		RedisTestServer redis = RedisTestServer.shared();
		Node node = node(factory(new RedisStaticMasterReplicaConfiguration(redis.host(), redis.port())), PubSub.AUTO);
		StepVerifier.create(node.store.pubSub()).expectNext(PubSub.CLASSIC).expectComplete().verify(TIMEOUT);
	}

	/**
	 * The subscriber chose classic pub/sub, and frames 1 to 3 published on the publisher
	 * reach it once each, in order.
	 */
	private void assertClassicAndFramesArrive(Node publisher, Node subscriber) {
		StepVerifier.create(subscriber.store.pubSub()).expectNext(PubSub.CLASSIC).expectComplete().verify(TIMEOUT);
		Recording listener = new Recording();
		subscriber.attach(this.channel, listener);
		publish(publisher, 1, 3);
		await().atMost(TIMEOUT).until(() -> listener.cursors().size() == 3);
		assertThat(listener.cursors()).containsExactly(1L, 2L, 3L);
	}

	private List<StoredFrame> publish(Node node, int from, int to) {
		ChannelStream stream = node.stream(this.channel);
		List<StoredFrame> frames = new ArrayList<>();
		for (int n = from; n <= to; n++) {
			frames.add(stream.append(IntNode.valueOf(n), null).block(TIMEOUT));
		}
		assertThat(frames).extracting(StoredFrame::cursor)
			.containsExactlyElementsOf(LongStream.rangeClosed(from, to).boxed().toList());
		return frames;
	}

	// The ids of the clients in pub/sub mode (flag P).
	private static List<String> pubSubClients(RedisCommands<String, String> commands) {
		List<String> ids = new ArrayList<>();
		for (String line : commands.clientList().split("\n")) {
			if (line.matches(".* flags=\\w*P\\w* .*")) {
				ids.add(line.substring(line.indexOf("id=") + 3, line.indexOf(' ', line.indexOf("id="))));
			}
		}
		return ids;
	}

	private RedisCommands<String, String> commands(RedisTestServer redis) {
		RedisClient client = RedisClient.create(redis.url());
		StatefulRedisConnection<String, String> connection = client.connect();
		this.closeables.add(client::shutdown);
		this.closeables.add(connection::close);
		return connection.sync();
	}

	private RedisTestServer own(RedisTestServer redis) {
		this.closeables.add(redis);
		return redis;
	}

	private Node node(RedisTestServer redis, PubSub pubSub) {
		return node(factory(new RedisStandaloneConfiguration(redis.host(), redis.port())), pubSub);
	}

	private LettuceConnectionFactory factory(RedisConfiguration configuration) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(configuration);
		factory.afterPropertiesSet();
		factory.start();
		this.closeables.add(factory::destroy);
		return factory;
	}

	private Node node(ReactiveRedisConnectionFactory factory, PubSub pubSub) {
		ChannelHub hub = new ChannelHub();
		RedisChannelStore store = new RedisChannelStore(factory, hub, new ProtocolCodec(), java.time.Clock.systemUTC(),
				new RedisStoreSettings(this.prefix, Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofHours(1),
						pubSub));
		this.closeables.add(store::dispose);
		return new Node(store, new HubChannelStreamStore(store, hub));
	}

	/**
	 * An application's own connection factory around Lettuce's (a decorator that adds
	 * nothing), which the store cannot reach the native client of.
	 */
	private record Decorated(ReactiveRedisConnectionFactory delegate) implements ReactiveRedisConnectionFactory {

		@Override
		public ReactiveRedisConnection getReactiveConnection() {
			return this.delegate.getReactiveConnection();
		}

		@Override
		public ReactiveRedisClusterConnection getReactiveClusterConnection() {
			return this.delegate.getReactiveClusterConnection();
		}

		@Override
		public DataAccessException translateExceptionIfPossible(RuntimeException ex) {
			return this.delegate.translateExceptionIfPossible(ex);
		}

	}

	/** A node: its store and the streams over its hub. */
	private record Node(RedisChannelStore store, HubChannelStreamStore streams) {

		ChannelStream stream(ChannelName channel) {
			return this.streams.stream(channel, CHAT);
		}

		Attachment attach(ChannelName channel, StreamListener listener) {
			return stream(channel).attach(null, listener).block(TIMEOUT);
		}

	}

	/** Every frame and transient frame that reaches a listener, as it comes. */
	private static final class Recording implements StreamListener {

		private final List<StoredFrame> frames = new ArrayList<>();

		private int transients;

		@Override
		public synchronized void onFrame(StoredFrame frame) {
			this.frames.add(frame);
		}

		@Override
		public synchronized void onTransient(String channel, PreparedMessage frame) {
			this.transients++;
		}

		synchronized List<StoredFrame> frames() {
			return List.copyOf(this.frames);
		}

		synchronized List<Long> cursors() {
			return this.frames.stream().map(StoredFrame::cursor).toList();
		}

		synchronized int transients() {
			return this.transients;
		}

	}

}
