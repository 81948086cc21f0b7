package io.pushwire.core;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link FragmentAssembler} and {@link Fragments#split}: reassembly in index order and
 * every bound of PROTOCOL.md §8.2, with time moved by hand.
 */
class FragmentAssemblerTests {

	private final AtomicLong now = new AtomicLong(1_000_000);

	private final FragmentAssembler assembler = new FragmentAssembler(64 * 1024, this.now::get);

	private static byte[] message(int bodyLength, long seed) {
		byte[] message = new byte[BinaryFormat.HEADER_SIZE + bodyLength];
		new Random(seed).nextBytes(message);
		message[0] = 0x52;
		message[1] = 0x50;
		message[2] = 1;
		message[3] = BinaryFormat.FLAG_ZSTD;
		return message;
	}

	@Test
	void splitsOnlyMessagesLargerThanTheFragmentSize() {
		byte[] small = message(100, 1);
		byte[][] whole = Fragments.split(small, 2048);
		assertThat(whole.length).isOne();
		assertThat(whole[0]).isSameAs(small);
		byte[][] pieces = Fragments.split(message(5000, 2), 2048);
		assertThat(pieces.length).isEqualTo(3);
		assertThat(List.of(pieces)).allSatisfy((piece) -> {
			assertThat(piece.length).isLessThanOrEqualTo(2048);
			assertThat(piece[3] & BinaryFormat.FLAG_FRAGMENT).isEqualTo(BinaryFormat.FLAG_FRAGMENT);
			assertThat(piece[3] & BinaryFormat.FLAG_ZSTD).isEqualTo(BinaryFormat.FLAG_ZSTD);
		});
	}

	@Test
	void reassemblesInIndexOrderWhateverTheArrivalOrder() {
		byte[] message = message(10_000, 3);
		byte[][] pieces = Fragments.split(message, Fragments.MIN_FRAGMENT_SIZE);
		assertThat(pieces.length).isGreaterThan(5);
		byte[] whole = null;
		for (int i = pieces.length - 1; i >= 0; i--) {
			assertThat(whole).isNull();
			whole = this.assembler.accept(pieces[i]);
		}
		assertThat(whole).isEqualTo(message);
		assertThat(this.assembler.partials()).isZero();
	}

	@Test
	void refusesTotalZeroIndexPastTotalARepeatedIndexAndAChangedTotal() {
		byte[][] pieces = Fragments.split(message(3000, 4), Fragments.MIN_FRAGMENT_SIZE);
		assertBad(with(pieces[0], 0, 0), "total");
		assertBad(with(pieces[0], 3, 3), "index");
		this.assembler.accept(pieces[0]);
		assertBad(pieces[0], "twice");
		assertThat(this.assembler.partials()).isZero();
		this.assembler.accept(pieces[0]);
		assertBad(with(pieces[1], 4, 1), "changed");
		assertThat(this.assembler.partials()).isZero();
	}

	@Test
	void refusesMoreThanSixteenPartialMessages() {
		for (int i = 0; i < FragmentAssembler.MAX_PARTIALS; i++) {
			assertThat(this.assembler.accept(Fragments.split(message(3000, 10 + i), 2048)[0])).isNull();
		}
		assertBad(Fragments.split(message(3000, 99), 2048)[0], "16");
		assertThat(this.assembler.partials()).isEqualTo(FragmentAssembler.MAX_PARTIALS);
	}

	@Test
	void dropsAPartialMessageOlderThanThirtySeconds() {
		byte[][] old = Fragments.split(message(3000, 5), 2048);
		this.assembler.accept(old[0]);
		this.now.addAndGet(FragmentAssembler.MAX_AGE_MILLIS - 1);
		byte[][] young = Fragments.split(message(3000, 6), 2048);
		this.assembler.accept(young[0]);
		assertThat(this.assembler.partials()).isEqualTo(2);
		this.now.addAndGet(1);
		// The old one's rest starts a new partial message rather than completing it.
		assertThat(this.assembler.accept(old[1])).isNull();
		assertThat(this.assembler.partials()).isEqualTo(2);
		assertThat(this.assembler.accept(young[1])).isNotNull();
	}

	@Test
	void aMessageGrowingPastTheLimitIsTooLarge() {
		FragmentAssembler small = new FragmentAssembler(4096, this.now::get);
		byte[][] pieces = Fragments.split(message(6000, 7), 2048);
		small.accept(pieces[0]);
		small.accept(pieces[1]);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> small.accept(pieces[2]))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.TOO_LARGE));
		assertThat(small.partials()).isZero();
	}

	@Test
	void refusesSmallPiecesAndTotalsThatCouldNotFitTheLimit() {
		byte[][] pieces = Fragments.split(message(3000, 8), 2048);
		assertBad(Arrays.copyOf(pieces[0], 500), "at least 1024");
		assertBad(with(pieces[0], 1000, 0), "would exceed");
		assertBad(Arrays.copyOf(pieces[0], 20), "fragment header");
	}

	private void assertBad(byte[] fragment, String text) {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> this.assembler.accept(fragment))
			.satisfies((ex) -> {
				assertThat(ex.code()).isEqualTo(ErrorCode.BAD_MESSAGE);
				assertThat(ex.getMessage()).contains(text);
			});
	}

	private static byte[] with(byte[] fragment, int total, int index) {
		byte[] copy = fragment.clone();
		int at = BinaryFormat.HEADER_SIZE + 16;
		copy[at] = (byte) (total >>> 8);
		copy[at + 1] = (byte) total;
		copy[at + 2] = (byte) (index >>> 8);
		copy[at + 3] = (byte) index;
		return copy;
	}

}
