package io.pushwire.server.websocket;

import java.lang.reflect.Method;
import java.util.concurrent.RejectedExecutionException;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.adapter.AbstractWebSocketSession;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import io.pushwire.server.connection.ClientConnection;
import io.pushwire.server.netty.NettyConnections;

/**
 * The WebSocket transport's fast path, and everything in it that reaches under WebFlux
 * into Reactor Netty, in one place: finding the Netty connection under a session through
 * WebFlux's protected {@code AbstractWebSocketSession#getDelegate()}, writing a
 * connection's queue straight to the Netty channel ({@link ChannelWriter}), holding the
 * close back for the client's close frame ({@link ClosingHandshake}), releasing the
 * upgrade's headers after the handshake, dropping the TCP connection, and telling Netty's
 * frame-size failures from others.
 * <p>
 * When the hook is missing (a WebFlux version without it, a session that is not Reactor
 * Netty's), the handler falls back on the plain {@link WebSocketSession#send} path, which
 * works on any server but costs operators per message. {@code ReactorNettyAccessTests}
 * fails when a new WebFlux or Reactor Netty version takes the hook away, rather than
 * letting the server quietly take the slower path. Stateless: nothing here is per
 * connection.
 */
final class ReactorNettyAccess {

	private static final @Nullable Method GET_DELEGATE = findGetDelegate();

	/**
	 * Off only in tests that run the plain send path on Reactor Netty
	 * ({@link #fastPath(boolean)}).
	 */
	private static volatile boolean enabled = true;

	private ReactorNettyAccess() {
	}

	private static @Nullable Method findGetDelegate() {
		Method method = ReflectionUtils.findMethod(AbstractWebSocketSession.class, "getDelegate");
		if (method != null) {
			ReflectionUtils.makeAccessible(method);
		}
		return method;
	}

	/**
	 * Whether WebFlux still offers the hook the fast path needs.
	 * @return {@code true} when {@code getDelegate()} was found
	 */
	static boolean isAvailable() {
		return GET_DELEGATE != null;
	}

	/**
	 * Turn the fast path off (or on again) for the sessions that start from now on; a
	 * test hook, so that the plain send path is tested end to end on the same server.
	 * @param on {@code false} to use the plain path
	 */
	static void fastPath(boolean on) {
		enabled = on;
	}

	/**
	 * The Netty connection under a Reactor Netty session. WebFlux keeps it behind a
	 * protected accessor; a client that stopped reading never receives our close frame,
	 * so dropping the TCP connection is the only way to free it, and writing to the
	 * channel directly saves the per-message operators of {@link WebSocketSession#send}.
	 * @param session the session
	 * @return the connection, or {@code null} when the session is not Reactor Netty's,
	 * the hook is gone or the fast path is off
	 */
	static @Nullable Connection connection(WebSocketSession session) {
		if (!enabled || GET_DELEGATE == null || !(session instanceof ReactorNettyWebSocketSession)) {
			return null;
		}
		Object delegate = ReflectionUtils.invokeMethod(GET_DELEGATE, session);
		if (delegate instanceof ReactorNettyWebSocketSession.WebSocketConnection webSocketConnection
				&& webSocketConnection.getOutbound() instanceof Connection connection) {
			return connection;
		}
		return null;
	}

	/**
	 * Run a connection's work (timers, drains) on its channel's event loop, with the
	 * socket's send buffer fixed.
	 * @param netty the Netty connection
	 * @param connection the push connection
	 * @param sendBuffer the socket's send buffer, 0 for the system's default
	 */
	static void bind(Connection netty, ClientConnection connection, long sendBuffer) {
		NettyConnections.bind(connection, netty.channel(), sendBuffer);
	}

	/**
	 * Write a connection's queue straight to the channel, a batch per drain and one
	 * flush, pausing while the channel is not writable: no per-message operators between
	 * queue and socket.
	 * @param netty the Netty connection
	 * @param connection the push connection
	 * @return completes once the queue wrote its last message or the channel closed
	 */
	static Mono<Void> writeDirect(Connection netty, ClientConnection connection) {
		return writeDirect(netty, connection, null);
	}

	/**
	 * Write a connection's queue straight to the channel, splitting large messages into
	 * fragments on a binary connection whose client accepts them.
	 * @param netty the Netty connection
	 * @param connection the push connection
	 * @param binary the connection's binary side, or {@code null} for JSON
	 * @return completes once the queue wrote its last message or the channel closed
	 */
	static Mono<Void> writeDirect(Connection netty, ClientConnection connection, @Nullable BinarySession binary) {
		ChannelWriter writer = (binary != null)
				? new BinaryChannelWriter(netty.channel(), connection::resumeWriting, binary)
				: new ChannelWriter(netty.channel(), connection::resumeWriting);
		netty.addHandlerLast(ChannelWriter.HANDLER_NAME, writer);
		connection.writeTo(writer);
		return writer.done();
	}

	/**
	 * Whether the channel is still open.
	 * @param netty the Netty connection
	 * @return {@code true} while active
	 */
	static boolean isActive(Connection netty) {
		return netty.channel().isActive();
	}

	/**
	 * The server closes while the client may still be sending: hold the TCP close back
	 * until the client's close frame, so that the goodbye and close frame are not lost to
	 * a reset.
	 * @param netty the Netty connection
	 */
	static void awaitClientCloseFrame(Connection netty) {
		netty.addHandlerLast(ClosingHandshake.HANDLER_NAME, new ClosingHandshake());
	}

	/**
	 * Let go of the upgrade's headers once the client is authenticated: Reactor Netty's
	 * WebSocket operations keep the HTTP request and response they replaced, with every
	 * header of both (the request's are also the {@code HandshakeInfo}'s, which the
	 * {@code AuthRequest} handed to the validator), for the connection's life; a dozen
	 * headers with their names and values are 1 to 2 KB per connection, and nothing reads
	 * them after the handshake. Cleared on the channel's event loop, where Reactor Netty
	 * reads them.
	 * @param netty the Netty connection
	 */
	static void releaseHandshake(Connection netty) {
		try {
			netty.channel().eventLoop().execute(() -> {
				if (netty instanceof HttpServerRequest request) {
					request.requestHeaders().clear();
				}
				if (netty instanceof HttpServerResponse response) {
					response.responseHeaders().clear();
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// The event loop is shut down (the server stopped): the channel is gone with
			// its headers.
		}
	}

	/**
	 * Drop the TCP connection now, without a closing handshake.
	 * @param netty the Netty connection
	 */
	static void drop(Connection netty) {
		netty.dispose();
	}

	/**
	 * Whether an inbound failure is Netty refusing a message over its frame limit (the
	 * client's doing): a {@link TooLongFrameException} from the aggregator, or a
	 * {@link CorruptedWebSocketFrameException} from the frame decoder, anywhere in the
	 * cause chain.
	 * @param ex the failure
	 * @return {@code true} for a message too large
	 */
	static boolean isFrameTooLarge(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof TooLongFrameException || cause instanceof CorruptedWebSocketFrameException) {
				return true;
			}
		}
		return false;
	}

}
