package io.pushwire.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CloseReason}.
 */
class CloseReasonTests {

	@ParameterizedTest
	@CsvSource({ "NORMAL, 1000, normal, false", "SHUTDOWN, 1001, shutdown, true", "POLICY, 1008, policy, false",
			"TOO_LARGE, 1009, too_large, true", "UNAUTHORIZED, 4001, unauthorized, false",
			"FORBIDDEN, 4003, forbidden, false", "SLOW_CONSUMER, 4008, slow_consumer, true",
			"REPLACED, 4009, replaced, false", "HEARTBEAT_TIMEOUT, 4010, heartbeat_timeout, true",
			"TOKEN_EXPIRED, 4011, token_expired, true" })
	void hasCloseCodeReasonAndReconnectAdviceOfProtocol(CloseReason closeReason, int code, String reason,
			boolean reconnect) {
		assertThat(closeReason.code()).isEqualTo(code);
		assertThat(closeReason.reason()).isEqualTo(reason);
		assertThat(closeReason.shouldReconnect()).isEqualTo(reconnect);
	}

	@Test
	void definesExactlyTheReasonsOfProtocol() {
		assertThat(CloseReason.values()).hasSize(10);
	}

	@ParameterizedTest
	@EnumSource(CloseReason.class)
	void looksUpReasonByCode(CloseReason reason) {
		assertThat(CloseReason.fromCode(reason.code())).isSameAs(reason);
	}

	@ParameterizedTest
	@EnumSource(CloseReason.class)
	void looksUpReasonByWireName(CloseReason reason) {
		assertThat(CloseReason.fromReason(reason.reason())).isSameAs(reason);
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 1002, 1006, 1007, 1011, 4000, 4002, 4999 })
	void looksUpUndefinedCodeAsNull(int code) {
		assertThat(CloseReason.fromCode(code)).isNull();
	}

	@Test
	void looksUpUnknownReasonAsNull() {
		assertThat(CloseReason.fromReason("going_away")).isNull();
		assertThat(CloseReason.fromReason("NORMAL")).isNull();
		assertThat(CloseReason.fromReason("")).isNull();
		assertThat(CloseReason.fromReason(null)).isNull();
	}

	@Test
	void goodbyeAnnouncesReasonAndCode() {
		assertThat(SystemOp.Goodbye.of(CloseReason.SLOW_CONSUMER))
			.isEqualTo(new SystemOp.Goodbye("slow_consumer", 4008));
	}

}
