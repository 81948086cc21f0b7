package io.pushwire.server.handler;

import java.security.Principal;

import io.pushwire.core.ChannelName;
import io.pushwire.core.Frame;
import io.pushwire.server.PushSession;

/**
 * A frame that a client sent, with what a handler may need to know about it.
 *
 * @param frame the frame as received (no cursor)
 * @param channel the frame's channel
 * @param clientId the sending client's id
 * @param principal the sending client's principal
 * @param session the sending client's session
 * @since 0.1.0
 */
public record HandlerInvocation(Frame frame, ChannelName channel, String clientId, Principal principal,
		PushSession session) {

}
