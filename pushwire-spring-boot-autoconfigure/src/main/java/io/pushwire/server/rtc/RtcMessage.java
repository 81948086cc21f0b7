package io.pushwire.server.rtc;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;

/**
 * A signaling message a client sends on a room (PROTOCOL.md §10.2): the payload of a
 * frame on an {@code rtc} channel, tagged by {@code type}.
 */
sealed interface RtcMessage {

	/**
	 * Read a payload.
	 * @param payload the frame's payload
	 * @param channel the room, for errors
	 * @return the message
	 * @throws ProtocolException {@code bad_message} naming what is wrong
	 */
	static RtcMessage parse(JsonNode payload, String channel) {
		if (payload == null || !payload.isObject()) {
			throw bad("A signaling payload is a JSON object tagged by 'type'", channel);
		}
		String type = text(payload, "type", channel,
				"(offer, answer, candidate, candidate_batch, status, " + "peer_discovery or turn_credentials)");
		return switch (type) {
			case "offer", "answer" -> new Description(type, text(payload, "to", channel, "(a client id)"),
					text(payload, "sdp", channel, "(the SDP)"));
			case "candidate" -> new Candidate(text(payload, "to", channel, "(a client id)"),
					text(payload, "candidate", channel, "(an ICE candidate)"));
			case "candidate_batch" ->
				new CandidateBatch(text(payload, "to", channel, "(a client id)"), candidates(payload, channel));
			case "status" -> new Status(text(payload, "to", channel, "(a client id)"),
					text(payload, "status", channel, "(failed, connected, completed, direct, p2p, relay...)"));
			case "peer_discovery" -> new PeerDiscovery(optionalText(payload, "room", channel));
			case "turn_credentials" -> new TurnRequest();
			default -> throw bad("Unknown signaling type '" + type + "': send offer, answer, candidate, "
					+ "candidate_batch, status, peer_discovery or turn_credentials", channel);
		};
	}

	private static String text(JsonNode payload, String key, String channel, String what) {
		JsonNode value = payload.get(key);
		if (value == null || !value.isString()) {
			String type = payload.path("type").isString() ? payload.path("type").asString() : "signaling";
			throw bad("A '" + type + "' message needs '" + key + "', a string " + what, channel);
		}
		return value.asString();
	}

	private static @Nullable String optionalText(JsonNode payload, String key, String channel) {
		JsonNode value = payload.get(key);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw bad("'" + key + "' must be a string", channel);
		}
		return value.asString();
	}

	private static List<String> candidates(JsonNode payload, String channel) {
		JsonNode value = payload.get("candidates");
		if (value == null || !value.isArray()) {
			throw bad("A 'candidate_batch' message needs 'candidates', an array of strings", channel);
		}
		List<String> candidates = new ArrayList<>(value.size());
		for (JsonNode candidate : value) {
			if (!candidate.isString()) {
				throw bad("'candidates' must hold strings only", channel);
			}
			candidates.add(candidate.asString());
		}
		return candidates;
	}

	private static ProtocolException bad(String message, String channel) {
		return new ProtocolException(ErrorCode.BAD_MESSAGE, message, channel);
	}

	/** A message for one peer. */
	sealed interface Targeted extends RtcMessage {

		/**
		 * The peer it is for.
		 * @return its client id
		 */
		String to();

	}

	/**
	 * An {@code offer} or {@code answer}.
	 *
	 * @param type {@code offer} or {@code answer}
	 * @param to the peer
	 * @param sdp the session description
	 */
	record Description(String type, String to, String sdp) implements Targeted {
	}

	/**
	 * One ICE candidate.
	 *
	 * @param to the peer
	 * @param candidate the candidate
	 */
	record Candidate(String to, String candidate) implements Targeted {
	}

	/**
	 * Several ICE candidates.
	 *
	 * @param to the peer
	 * @param candidates the candidates
	 */
	record CandidateBatch(String to, List<String> candidates) implements Targeted {
	}

	/**
	 * A report of the state of the pair's path, which also acts on their route.
	 *
	 * @param to the peer
	 * @param status the state
	 */
	record Status(String to, String status) implements Targeted {
	}

	/**
	 * A request for the room's other peers.
	 *
	 * @param room the room's topic, when given
	 */
	record PeerDiscovery(@Nullable String room) implements RtcMessage {
	}

	/** A request for TURN credentials. */
	record TurnRequest() implements RtcMessage {
	}

}
