package io.pushwire.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The SSE resume token (PROTOCOL.md §11): every subscribed channel's position as
 * {@code channel=cursor@epoch}, joined by {@code ,}, for example
 * {@code chat:room-42=17@Xb3k,news=3@Q1pz}. The epoch may be left out ({@code news=3}).
 *
 * @param positions per channel, the last cursor delivered and its epoch, in order
 * @since 0.1.0
 */
public record ResumeToken(Map<String, Position> positions) {

	/**
	 * The most channels a token may name, so that a forged header cannot grow the
	 * server's work.
	 */
	public static final int MAX_CHANNELS = 256;

	public ResumeToken {
		positions = Collections.unmodifiableMap(new LinkedHashMap<>(positions));
	}

	/**
	 * Parse a token.
	 * @param token the token, possibly empty
	 * @return the token
	 * @throws ProtocolException with {@link ErrorCode#BAD_MESSAGE} when it is malformed
	 */
	public static ResumeToken parse(@Nullable String token) {
		Map<String, Position> positions = new LinkedHashMap<>();
		if (token == null || token.isBlank()) {
			return new ResumeToken(positions);
		}
		String[] parts = token.split(",", -1);
		if (parts.length > MAX_CHANNELS) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE,
					"A resume token names at most " + MAX_CHANNELS + " channels");
		}
		for (String part : parts) {
			int eq = part.lastIndexOf('=');
			if (eq <= 0) {
				throw invalid(part);
			}
			String channel = part.substring(0, eq);
			ChannelName.parse(channel);
			String rest = part.substring(eq + 1);
			int at = rest.indexOf('@');
			String cursorText = (at < 0) ? rest : rest.substring(0, at);
			String epoch = (at < 0) ? null : rest.substring(at + 1);
			if (epoch != null && !Cursors.isValidEpoch(epoch)) {
				throw invalid(part);
			}
			long cursor;
			try {
				cursor = Long.parseLong(cursorText);
			}
			catch (NumberFormatException ex) {
				throw invalid(part);
			}
			if (!Cursors.isValidCursor(cursor)) {
				throw invalid(part);
			}
			positions.put(channel, new Position(cursor, epoch));
		}
		return new ResumeToken(positions);
	}

	private static ProtocolException invalid(String part) {
		return new ProtocolException(ErrorCode.BAD_MESSAGE,
				"Invalid resume token entry '" + ChannelName.abbreviate(part) + "': expected channel=cursor@epoch");
	}

	/**
	 * This token with one channel's position replaced.
	 * @param channel the channel
	 * @param cursor its cursor
	 * @param epoch its epoch
	 * @return a new token
	 */
	public ResumeToken with(String channel, long cursor, @Nullable String epoch) {
		Map<String, Position> copy = new LinkedHashMap<>(this.positions);
		copy.put(channel, new Position(cursor, epoch));
		return new ResumeToken(copy);
	}

	/**
	 * Format the token for an SSE {@code id:} field.
	 * @return the text
	 */
	public String format() {
		return format(this.positions);
	}

	/**
	 * Format positions as a token without making one (an SSE stream formats one per
	 * event).
	 * @param positions per channel, in order
	 * @return the text
	 */
	public static String format(Map<String, Position> positions) {
		StringBuilder builder = new StringBuilder(32 * positions.size());
		for (Map.Entry<String, Position> entry : positions.entrySet()) {
			if (!builder.isEmpty()) {
				builder.append(',');
			}
			builder.append(entry.getKey()).append('=').append(entry.getValue().cursor());
			if (entry.getValue().epoch() != null) {
				builder.append('@').append(entry.getValue().epoch());
			}
		}
		return builder.toString();
	}

	@Override
	public String toString() {
		return format();
	}

	/**
	 * A channel's position.
	 *
	 * @param cursor the last cursor delivered (or the one replay started after)
	 * @param epoch the epoch of that cursor, or {@code null} when unknown
	 */
	public record Position(long cursor, @Nullable String epoch) {

	}

}
