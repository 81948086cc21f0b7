package io.pushwire.client;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Logs a {@link PushClient}'s events (info; errors and gaps at warn) and, at debug, its
 * frames with payloads truncated, so that logs stay small and secrets in large payloads
 * stay out.
 *
 * @since 0.2.0
 */
public final class LoggingExtension implements PushClientExtension {

	private static final Log logger = LogFactory.getLog(LoggingExtension.class);

	private final int maxPayloadChars;

	/**
	 * Create an extension.
	 * @param maxPayloadChars the most payload characters logged per frame
	 */
	public LoggingExtension(int maxPayloadChars) {
		this.maxPayloadChars = maxPayloadChars;
	}

	@Override
	public void onEvent(PushClientEvent event) {
		if (event instanceof PushClientEvent.Error || event instanceof PushClientEvent.Gap
				|| event instanceof PushClientEvent.ResumeRequired || event instanceof PushClientEvent.GaveUp) {
			logger.warn("pushwire client: " + event);
		}
		else if (logger.isInfoEnabled()) {
			logger.info("pushwire client: " + event);
		}
	}

	@Override
	public Mono<PushFrame<JsonNode>> onFrame(PushFrame<JsonNode> frame) {
		if (logger.isDebugEnabled()) {
			logger.debug("pushwire frame " + frame.channel() + "#" + frame.cursor() + " " + truncate(frame.payload()));
		}
		return Mono.just(frame);
	}

	String truncate(JsonNode payload) {
		String text = payload.toString();
		return (text.length() <= this.maxPayloadChars) ? text
				: text.substring(0, this.maxPayloadChars) + "...(" + text.length() + " chars)";
	}

}
