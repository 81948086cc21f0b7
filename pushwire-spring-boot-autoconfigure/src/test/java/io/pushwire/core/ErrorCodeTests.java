package io.pushwire.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ErrorCode}.
 */
class ErrorCodeTests {

	@ParameterizedTest
	@CsvSource({ "BAD_MESSAGE, bad_message, 400", "UNKNOWN_CHANNEL, unknown_channel, 400",
			"NO_HANDLER, no_handler, 400", "UNAUTHORIZED, unauthorized, 401", "FORBIDDEN, forbidden, 403",
			"NOT_CONNECTED, not_connected, 404", "TOO_LARGE, too_large, 413", "RATE_LIMITED, rate_limited, 429",
			"UNAVAILABLE, unavailable, 503", "INTERNAL, internal, 500", "NOT_FOUND, not_found, 404",
			"UNSUPPORTED_MEDIA_TYPE, unsupported_media_type, 415" })
	void hasWireNameAndHttpStatusOfProtocol(ErrorCode code, String wireName, int httpStatus) {
		assertThat(code.wireName()).isEqualTo(wireName);
		assertThat(code.httpStatus()).isEqualTo(httpStatus);
	}

	@Test
	void definesExactlyTheCodesOfProtocol() {
		assertThat(ErrorCode.values()).extracting(ErrorCode::wireName)
			.containsExactlyInAnyOrder("bad_message", "unknown_channel", "forbidden", "unauthorized", "too_large",
					"rate_limited", "no_handler", "not_connected", "unavailable", "internal", "not_found",
					"unsupported_media_type");
	}

	@ParameterizedTest
	@EnumSource(ErrorCode.class)
	void looksUpCodeByWireName(ErrorCode code) {
		assertThat(ErrorCode.fromWireName(code.wireName())).isSameAs(code);
	}

	@Test
	void looksUpUnknownWireNameAsNull() {
		assertThat(ErrorCode.fromWireName("teapot")).isNull();
		assertThat(ErrorCode.fromWireName("BAD_MESSAGE")).isNull();
		assertThat(ErrorCode.fromWireName("")).isNull();
		assertThat(ErrorCode.fromWireName(null)).isNull();
	}

	@Test
	void protocolExceptionBecomesErrorOpWithCodeMessageAndChannel() {
		ProtocolException ex = new ProtocolException(ErrorCode.FORBIDDEN, "Not for you", "chat:room-42");
		assertThat(ex.code()).isEqualTo(ErrorCode.FORBIDDEN);
		assertThat(ex.channel()).isEqualTo("chat:room-42");
		assertThat(ex.toOp()).isEqualTo(new SystemOp.Error("forbidden", "Not for you", "chat:room-42"));
		assertThat(new ProtocolException(ErrorCode.BAD_MESSAGE, "Bad").toOp())
			.isEqualTo(SystemOp.Error.of(ErrorCode.BAD_MESSAGE, "Bad", null));
	}

}
