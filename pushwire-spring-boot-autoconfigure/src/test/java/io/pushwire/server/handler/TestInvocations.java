package io.pushwire.server.handler;

import java.security.Principal;

import tools.jackson.databind.json.JsonMapper;

import io.pushwire.core.ChannelName;
import io.pushwire.core.Frame;
import io.pushwire.security.AnonymousPrincipal;

/**
 * Builds {@link HandlerInvocation HandlerInvocations} the way the server would for a
 * received frame.
 */
final class TestInvocations {

	static final String CLIENT_ID = "6b1f3c9e-8a7d-4f2e-9b1a-2c3d4e5f6a7b";

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private TestInvocations() {
	}

	static HandlerInvocation invocation(String channel, String payloadJson) {
		return invocation(channel, payloadJson, AnonymousPrincipal.forClient(CLIENT_ID));
	}

	static HandlerInvocation invocation(String channel, String payloadJson, Principal principal) {
		return new HandlerInvocation(Frame.of(channel, mapper.readTree(payloadJson)), ChannelName.parse(channel),
				CLIENT_ID, principal, new TestPushSession(CLIENT_ID, principal));
	}

}
