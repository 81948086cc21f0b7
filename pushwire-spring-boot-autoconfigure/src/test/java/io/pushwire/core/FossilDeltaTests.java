package io.pushwire.core;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Fossil deltas: round trips on random and realistic inputs, the format's commands as
 * Fossil writes them, and the decoder's refusals.
 */
class FossilDeltaTests {

	@Test
	void decodesCopyAndInsertCommandsOfTheFormat() {
		byte[] source = utf8("hello world, hello fossil");
		byte[] target = utf8("hello there, hello fossil!");
		// 26 bytes: copy 6 from 0 ("hello "), insert "there", copy 14 from 11, insert
		// "!".
		String checksum = digits(FossilDelta.checksum(target) & 0xFFFFFFFFL);
		byte[] delta = utf8("Q\n6@0,5:there" + "E@B," + "1:!" + checksum + ";");
		assertThat(new String(FossilDelta.apply(source, delta, 100), StandardCharsets.UTF_8))
			.isEqualTo("hello there, hello fossil!");
	}

	@Test
	void encodesTheSizeFirstAndTheChecksumLast() {
		byte[] source = utf8("x".repeat(40) + "abcdefghijklmnopqrstuvwxyz");
		byte[] target = utf8("x".repeat(40) + "abcdefghijklmnopqrstuvwxyz!");
		String delta = new String(FossilDelta.create(source, target), StandardCharsets.ISO_8859_1);
		assertThat(delta).startsWith("13\n").endsWith(digits(FossilDelta.checksum(target) & 0xFFFFFFFFL) + ";");
		assertThat(delta).startsWith("13\n12@0,1:!");
	}

	@Test
	void checksumIsTheSumOfBigEndianWordsWithAPaddedTail() {
		assertThat(FossilDelta.checksum(new byte[] { 0, 0, 0, 1, 0, 0, 0, 2 })).isEqualTo(3);
		assertThat(FossilDelta.checksum(new byte[] { 1 })).isEqualTo(1 << 24);
		assertThat(FossilDelta.checksum(new byte[] { 1, 2, 3 })).isEqualTo((1 << 24) + (2 << 16) + (3 << 8));
		assertThat(FossilDelta.checksum(new byte[0])).isZero();
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 })
	void randomEditsRoundTrip(int seed) {
		Random random = new Random(seed);
		for (int round = 0; round < 200; round++) {
			byte[] source = new byte[random.nextInt(3000)];
			random.nextBytes(source);
			byte[] target = edit(source, random);
			byte[] delta = FossilDelta.create(source, target);
			assertThat(FossilDelta.apply(source, delta, target.length)).isEqualTo(target);
		}
	}

	@Test
	void unrelatedAndEmptyInputsRoundTrip() {
		Random random = new Random(42);
		byte[] a = new byte[500];
		byte[] b = new byte[700];
		random.nextBytes(a);
		random.nextBytes(b);
		for (byte[][] pair : new byte[][][] { { a, b }, { new byte[0], b }, { a, new byte[0] },
				{ new byte[0], new byte[0] }, { a, a } }) {
			assertThat(FossilDelta.apply(pair[0], FossilDelta.create(pair[0], pair[1]), pair[1].length))
				.isEqualTo(pair[1]);
		}
	}

	@Test
	void oneFieldChangedInAJsonDocumentIsASmallDelta() {
		StringBuilder json = new StringBuilder("{\"id\":\"doc-1\",\"items\":[");
		for (int i = 0; i < 40; i++) {
			json.append("{\"sku\":\"item-").append(i).append("\",\"qty\":").append(i).append("},");
		}
		String before = json.append("{}],\"price\":100}").toString();
		String after = before.replace("\"price\":100", "\"price\":101");
		byte[] delta = FossilDelta.create(utf8(before), utf8(after));
		assertThat(delta.length).isLessThan(30);
		assertThat(FossilDelta.apply(utf8(before), delta, 1 << 20)).isEqualTo(utf8(after));
	}

	@Test
	void refusesMalformedDeltas() {
		byte[] source = utf8("0123456789abcdef0123456789abcdef");
		byte[] target = utf8("0123456789abcdef0123456789abcdefXYZ");
		byte[] delta = FossilDelta.create(source, target);
		assertThatIllegalArgumentException().isThrownBy(() -> FossilDelta.apply(source, delta, 10))
			.withMessageContaining("more than 10");
		byte[] corrupt = delta.clone();
		corrupt[corrupt.length - 3] = (byte) ((corrupt[corrupt.length - 3] == 'A') ? 'B' : 'A');
		assertThatIllegalArgumentException().isThrownBy(() -> FossilDelta.apply(source, corrupt, 100));
		assertThatIllegalArgumentException().isThrownBy(() -> FossilDelta.apply(utf8("short"), delta, 100));
		assertThatIllegalArgumentException().isThrownBy(() -> FossilDelta.apply(source, utf8("3\n3:abc"), 100))
			.withMessageContaining("without a checksum");
		assertThatIllegalArgumentException().isThrownBy(() -> FossilDelta.apply(source, utf8("3\n9:abc0;"), 100));
		assertThatIllegalArgumentException().isThrownBy(() -> FossilDelta.apply(source, utf8("3\n3?abc0;"), 100));
		assertThatIllegalArgumentException().isThrownBy(() -> FossilDelta.apply(source, utf8("~~~~~~~\n"), 100));
		assertThatIllegalArgumentException().isThrownBy(() -> FossilDelta.apply(source, new byte[0], 100));
	}

	@Test
	void randomGarbageNeverEscapesAsAnotherException() {
		Random random = new Random(7);
		byte[] source = new byte[200];
		random.nextBytes(source);
		for (int i = 0; i < 2000; i++) {
			byte[] delta = FossilDelta.create(source, edit(source, random));
			delta[random.nextInt(delta.length)] = (byte) random.nextInt(256);
			try {
				FossilDelta.apply(source, delta, 1000);
			}
			catch (IllegalArgumentException ex) {
				// refused, as it should be unless the change happened to keep it valid
			}
		}
	}

	private static byte[] edit(byte[] source, Random random) {
		byte[] target = source.clone();
		int edits = random.nextInt(4);
		for (int i = 0; i < edits && target.length > 0; i++) {
			int at = random.nextInt(target.length);
			int length = Math.min(target.length - at, random.nextInt(40));
			byte[] insert = new byte[random.nextInt(40)];
			random.nextBytes(insert);
			byte[] next = new byte[target.length - length + insert.length];
			System.arraycopy(target, 0, next, 0, at);
			System.arraycopy(insert, 0, next, at, insert.length);
			System.arraycopy(target, at + length, next, at + insert.length, target.length - at - length);
			target = next;
		}
		return target;
	}

	private static String digits(long value) {
		String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~";
		if (value == 0) {
			return "0";
		}
		StringBuilder digits = new StringBuilder();
		for (long rest = value; rest > 0; rest >>>= 6) {
			digits.insert(0, alphabet.charAt((int) (rest & 63)));
		}
		return digits.toString();
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
