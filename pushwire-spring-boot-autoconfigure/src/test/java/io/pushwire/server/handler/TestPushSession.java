package io.pushwire.server.handler;

import java.security.Principal;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.pushwire.core.ResumeToken;
import io.pushwire.server.PushSession;

/**
 * A connected {@link PushSession} with no subscriptions, for handler tests.
 *
 * @param clientId the client id
 * @param principal the principal
 */
record TestPushSession(String clientId, Principal principal) implements PushSession {

	@Override
	public boolean isConnected() {
		return true;
	}

	@Override
	public @Nullable String transport() {
		return "websocket";
	}

	@Override
	public Set<String> channels() {
		return Set.of();
	}

	@Override
	public Map<String, ResumeToken.Position> acknowledged() {
		return Map.of();
	}

}
