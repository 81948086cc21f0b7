package io.pushwire.server.connection;

import tools.jackson.databind.json.JsonMapper;

import io.pushwire.core.ProtocolCodec;
import io.pushwire.security.AuthValidator;
import io.pushwire.server.channel.ChannelAuthorizer;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.handler.ChannelHandlerRegistry;
import io.pushwire.server.stream.ChannelStreamStore;

/**
 * The node-wide parts of a push server wired together as the auto-configuration wires
 * them, for tests that build connections without a Spring context.
 */
final class TestNode {

	private final PresenceRegistry presence;

	private final HeartbeatMonitor heartbeats;

	private final ChannelPublisher publisher;

	private final Acknowledgements acknowledgements;

	private final ConnectionAdmission admission;

	private final ConnectionFactory factory;

	TestNode(PushServerSettings settings, ChannelRegistry channels, ChannelStreamStore streams,
			SessionRegistry sessions, AuthValidator authValidator, ChannelAuthorizer authorizer,
			ChannelHandlerRegistry handlers, ProtocolCodec codec, JsonMapper payloadMapper) {
		this(settings, ServerLimits.defaults(), channels, streams, sessions, authValidator, authorizer, handlers, codec,
				payloadMapper);
	}

	TestNode(PushServerSettings settings, ServerLimits limits, ChannelRegistry channels, ChannelStreamStore streams,
			SessionRegistry sessions, AuthValidator authValidator, ChannelAuthorizer authorizer,
			ChannelHandlerRegistry handlers, ProtocolCodec codec, JsonMapper payloadMapper) {
		this.presence = new PresenceRegistry(codec);
		this.heartbeats = new HeartbeatMonitor(settings.heartbeat(), settings.heartbeatGrace());
		this.publisher = new ChannelPublisher(channels, streams, codec, payloadMapper);
		this.acknowledgements = new Acknowledgements(streams, sessions);
		this.admission = new ConnectionAdmission(limits);
		ClientChannels clientChannels = new ClientChannels(channels, limits);
		ClientAuthenticator authenticator = new ClientAuthenticator(authValidator, settings.allowAnonymous());
		this.factory = new ConnectionFactory(settings, limits, codec, clientChannels, authorizer, streams, sessions,
				this.presence, this.heartbeats, this.admission, authenticator, this.acknowledgements,
				new FrameDispatcher(clientChannels, authorizer, handlers, this.publisher));
	}

	ClientConnection connection(ConnectionTransport transport) {
		return this.factory.create(transport);
	}

	ConnectionFactory factory() {
		return this.factory;
	}

	PresenceRegistry presence() {
		return this.presence;
	}

	HeartbeatMonitor heartbeats() {
		return this.heartbeats;
	}

	ChannelPublisher publisher() {
		return this.publisher;
	}

	Acknowledgements acknowledgements() {
		return this.acknowledgements;
	}

	ConnectionAdmission admission() {
		return this.admission;
	}

	void dispose() {
		this.heartbeats.dispose();
	}

}
