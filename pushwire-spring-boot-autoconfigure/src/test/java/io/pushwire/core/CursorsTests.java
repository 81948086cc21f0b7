package io.pushwire.core;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Cursors}.
 */
class CursorsTests {

	@Test
	void maxCursorIsTwoToThe53MinusOne() {
		assertThat(Cursors.MAX_CURSOR).isEqualTo(9007199254740991L);
	}

	@ParameterizedTest
	@ValueSource(longs = { 0, 1, 17, 9007199254740991L })
	void acceptsCursorsFromZeroToMax(long cursor) {
		assertThat(Cursors.isValidCursor(cursor)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(longs = { -1, Long.MIN_VALUE, 9007199254740992L, Long.MAX_VALUE })
	void refusesNegativeCursorsAndCursorsPastMax(long cursor) {
		assertThat(Cursors.isValidCursor(cursor)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "a", "Xb3k", "Q1pz", "A_b-9", "abcdefghijklmnop" })
	void acceptsEpochsOfUpTo16Characters(String epoch) {
		assertThat(Cursors.isValidEpoch(epoch)).isTrue();
	}

	@ParameterizedTest
	@NullAndEmptySource
	@ValueSource(strings = { "abcdefghijklmnopq", "a b", "a.b", "a:b", "a=b", "a@b", "a,b", "\u00e9" })
	void refusesInvalidEpochs(String epoch) {
		assertThat(Cursors.isValidEpoch(epoch)).isFalse();
	}

	@Test
	void newEpochIsValidAndEightCharactersLong() {
		Set<String> epochs = new HashSet<>();
		for (int i = 0; i < 100; i++) {
			String epoch = Cursors.newEpoch();
			assertThat(epoch).hasSize(8);
			assertThat(Cursors.isValidEpoch(epoch)).isTrue();
			epochs.add(epoch);
		}
		assertThat(epochs).hasSize(100);
	}

}
