package io.pushwire.server.connection;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.pushwire.core.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link InboundLimiter}, on a clock the tests move.
 */
class InboundLimiterTests {

	/**
	 * Far from zero, and negative: the state is compared as a difference, never as an
	 * absolute time.
	 */
	private final AtomicLong now = new AtomicLong(-TimeUnit.DAYS.toNanos(3));

	/** 10 messages per second (one per 100 ms), 3 at once. */
	private final InboundLimiter limiter = new InboundLimiter(10, 3, this.now::get);

	private long state = InboundLimiter.FULL;

	@Test
	void aFreshConnectionMaySendABurstAtOnceThenIsRefused() {
		assertThat(admit()).isTrue();
		assertThat(admit()).isTrue();
		assertThat(admit()).isTrue();
		assertThat(admit()).isFalse();
		assertThat(admit()).isFalse();
	}

	@Test
	void aRefusalLeavesTheStateAsItWas() {
		admit();
		admit();
		admit();
		long before = this.state;
		assertThat(this.limiter.admit(before)).isEqualTo(InboundLimiter.REFUSED);
		assertThat(this.state).isEqualTo(before);
	}

	@Test
	void oneMessageIsAdmittedAgainPerIntervalAtTheRate() {
		admit();
		admit();
		admit();
		advance(99);
		assertThat(admit()).isFalse();
		advance(1);
		assertThat(admit()).isTrue();
		assertThat(admit()).isFalse();
		advance(100);
		assertThat(admit()).isTrue();
	}

	@Test
	void aLongSilenceRefillsTheBucketToItsSizeAndNoFurther() {
		admit();
		advance(60_000);
		assertThat(admit()).isTrue();
		assertThat(admit()).isTrue();
		assertThat(admit()).isTrue();
		assertThat(admit()).isFalse();
	}

	@Test
	void aSteadySenderAtTheRateIsNeverRefused() {
		for (int i = 0; i < 1000; i++) {
			assertThat(admit()).isTrue();
			advance(100);
		}
	}

	@Test
	void aBurstsWorthOfRefusalsInARowIsPersistent() {
		assertThat(this.limiter.persistent(1)).isFalse();
		assertThat(this.limiter.persistent(2)).isFalse();
		assertThat(this.limiter.persistent(3)).isTrue();
	}

	@Test
	void theRefusalTellsTheRateAndIsRateLimited() {
		assertThat(this.limiter.refusal().code()).isEqualTo(ErrorCode.RATE_LIMITED.wireName());
		assertThat(this.limiter.refusal().message()).contains("10 messages per second");
		assertThat(this.limiter.refusal().channel()).isNull();
	}

	@Test
	void rateAndBurstMustBeAtLeastOne() {
		assertThatIllegalArgumentException().isThrownBy(() -> new InboundLimiter(0, 1, System::nanoTime));
		assertThatIllegalArgumentException().isThrownBy(() -> new InboundLimiter(1, 0, System::nanoTime));
	}

	private boolean admit() {
		long next = this.limiter.admit(this.state);
		if (next == InboundLimiter.REFUSED) {
			return false;
		}
		this.state = next;
		return true;
	}

	private void advance(long millis) {
		this.now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
	}

}
