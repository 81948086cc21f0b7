package io.pushwire.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RetryStrategy}.
 */
class RetryStrategyTests {

	private static final RuntimeException ERROR = new RuntimeException("lost");

	private static List<Long> delays(RetryStrategy strategy, int attempts) {
		List<Long> result = new ArrayList<>();
		for (int attempt = 1; attempt <= attempts; attempt++) {
			result.add(strategy.nextDelay(ERROR, attempt).map(Duration::toMillis).orElse(-1L));
		}
		return result;
	}

	@Test
	void exponentialGrowsByTheFactorUpToTheMaximum() {
		RetryStrategy strategy = RetryStrategy.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 2, 0, 0,
				new Random(1));
		assertThat(delays(strategy, 6)).containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
	}

	@Test
	void jitterStaysWithinItsBoundsAndIsReproducibleWithASeed() {
		RetryStrategy strategy = RetryStrategy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(60), 2, 0.3, 0,
				new Random(42));
		List<Long> first = delays(strategy, 200);
		for (int attempt = 1; attempt <= 200; attempt++) {
			long capped = Math.min(1000L << Math.min(attempt - 1, 20), 60_000);
			assertThat(first.get(attempt - 1)).as("attempt %d", attempt).isBetween(Math.round(capped * 0.7), capped);
		}
		assertThat(new java.util.HashSet<>(first)).as("jitter actually varies").hasSizeGreaterThan(150);
		RetryStrategy again = RetryStrategy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(60), 2, 0.3, 0,
				new Random(42));
		assertThat(delays(again, 200)).isEqualTo(first);
	}

	@Test
	void stopsAfterMaxAttempts() {
		RetryStrategy strategy = RetryStrategy.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, 0, 3,
				new Random(1));
		assertThat(delays(strategy, 5)).containsExactly(10L, 20L, 40L, -1L, -1L);
		assertThat(delays(RetryStrategy.fixed(Duration.ofMillis(5), 2), 3)).containsExactly(5L, 5L, -1L);
		assertThat(delays(RetryStrategy.none(), 1)).containsExactly(-1L);
	}

	@Test
	void presetsMatchTheDocumentedValues() {
		assertThat(delays(RetryStrategy.exponential(RetryStrategy.Preset.FAST.initial(),
				RetryStrategy.Preset.FAST.max(), RetryStrategy.Preset.FAST.factor(), 0, 0, new Random(1)), 3))
			.containsExactly(100L, 150L, 225L);
		assertThat(RetryStrategy.Preset.STANDARD.initial()).isEqualTo(Duration.ofSeconds(1));
		assertThat(RetryStrategy.Preset.STANDARD.max()).isEqualTo(Duration.ofSeconds(60));
		assertThat(RetryStrategy.Preset.CONSERVATIVE.initial()).isEqualTo(Duration.ofSeconds(2));
		assertThat(RetryStrategy.Preset.CONSERVATIVE.max()).isEqualTo(Duration.ofSeconds(120));
		assertThat(delays(RetryStrategy.preset(RetryStrategy.Preset.STANDARD, new Random(7)), 1).get(0)).isBetween(800L,
				1000L);
	}

	@Test
	void refusesInvalidParameters() {
		assertThatIllegalArgumentException().isThrownBy(
				() -> RetryStrategy.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 0, 0, new Random()));
		assertThatIllegalArgumentException().isThrownBy(
				() -> RetryStrategy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(2), 0.5, 0, 0, new Random()));
		assertThatIllegalArgumentException().isThrownBy(
				() -> RetryStrategy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(2), 2, 1.5, 0, new Random()));
	}

}
