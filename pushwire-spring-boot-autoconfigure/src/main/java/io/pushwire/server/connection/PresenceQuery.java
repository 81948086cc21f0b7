package io.pushwire.server.connection;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;
import io.pushwire.core.SystemOp;
import io.pushwire.server.channel.ChannelAuthorizer;
import io.pushwire.server.channel.ChannelRegistry.ResolvedChannel;

/**
 * Answers {@code presence} (PROTOCOL.md §12): the members of a channel of a kind with
 * presence that the client may subscribe to, whether or not it did.
 */
final class PresenceQuery implements OpHandler<SystemOp.Presence> {

	private static final Log logger = LogFactory.getLog(PresenceQuery.class);

	private final ClientChannels channels;

	private final ChannelAuthorizer authorizer;

	private final PresenceRegistry presence;

	private final long maxListBytes;

	/**
	 * Create the handler.
	 * @param channels resolves channel names
	 * @param authorizer authorizes subscribing (who may subscribe may list the members)
	 * @param presence the members
	 * @param maxQueuedBytes the outbound queue's size: a list is at most half of it
	 */
	PresenceQuery(ClientChannels channels, ChannelAuthorizer authorizer, PresenceRegistry presence,
			long maxQueuedBytes) {
		this.channels = channels;
		this.authorizer = authorizer;
		this.presence = presence;
		this.maxListBytes = maxQueuedBytes / 2;
	}

	@Override
	public Mono<Void> handle(ClientConnection connection, SystemOp.Presence op) {
		String channel = op.channel();
		ResolvedChannel resolved = this.channels.resolve(channel);
		if (!resolved.kind().presence()) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE,
					"Channel kind '" + resolved.kind().name() + "' does not offer presence (pushwire.server.channels."
							+ resolved.kind().name() + ".presence is false); cannot list who is subscribed to "
							+ channel,
					channel);
		}
		return this.authorizer.canSubscribe(connection.requirePrincipal(), resolved.name(), resolved.kind())
			.defaultIfEmpty(false)
			.flatMap((allowed) -> {
				if (allowed) {
					return this.presence.list(channel).doOnNext((members) -> sendList(connection, channel, members));
				}
				connection.send(SystemOp.Error.of(ErrorCode.FORBIDDEN,
						"Not allowed to subscribe to " + channel + ", so not allowed to see who is subscribed to it",
						channel));
				return Mono.empty();
			})
			.onErrorResume((ex) -> !(ex instanceof ProtocolException), (ex) -> {
				logger.error("Listing the presence of " + channel + " failed", ex);
				connection.send(SystemOp.Error.of(ErrorCode.INTERNAL, "Could not list who is subscribed to " + channel
						+ "; the server logged the cause, try again later", channel));
				return Mono.empty();
			})
			.then();
	}

	/**
	 * A list past half the outbound queue would shed the asking client (4008) for a
	 * question it may ask: it is refused instead, and the connection stays open.
	 * @param connection the asking connection
	 * @param channel the channel whose members are listed
	 * @param members its members
	 */
	private void sendList(ClientConnection connection, String channel, List<SystemOp.PresenceEntry> members) {
		byte[] json = connection.format().toBytes(new SystemOp.PresenceList(channel, members));
		if (json.length > this.maxListBytes) {
			connection.send(SystemOp.Error.of(ErrorCode.TOO_LARGE,
					channel + " has " + members.size() + " members, too many to list over this connection ("
							+ json.length + " bytes); the application can list them with PushServer.presence",
					channel));
		}
		else {
			connection.sendEncoded(json);
		}
	}

}
