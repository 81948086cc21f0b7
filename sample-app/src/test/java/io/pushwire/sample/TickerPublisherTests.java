package io.pushwire.sample;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

import io.pushwire.sample.TickerPublisher.Tick;
import io.pushwire.server.PublishResult;
import io.pushwire.server.PushServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * Tests for {@link TickerPublisher}.
 */
class TickerPublisherTests {

	private final VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();

	private final PushServer pushServer = mock(PushServer.class);

	private final TickerPublisher ticker = new TickerPublisher(this.pushServer, this.scheduler);

	@AfterEach
	void stopTicker() {
		this.ticker.stop();
		this.scheduler.dispose();
	}

	@Test
	void publishesNumberedTickEverySecondWhileRunning() {
		given(this.pushServer.publish(eq("ticker"), any())).willReturn(Mono.just(new PublishResult("ticker", 1, "e")));
		this.ticker.start();
		assertThat(this.ticker.isRunning()).isTrue();
		this.scheduler.advanceTimeBy(Duration.ofMillis(3500));
		ArgumentCaptor<Object> ticks = ArgumentCaptor.forClass(Object.class);
		verify(this.pushServer, times(3)).publish(eq("ticker"), ticks.capture());
		assertThat(ticks.getAllValues()).extracting((tick) -> ((Tick) tick).seq()).containsExactly(1L, 2L, 3L);
		this.ticker.stop();
		assertThat(this.ticker.isRunning()).isFalse();
		this.scheduler.advanceTimeBy(Duration.ofSeconds(5));
		verify(this.pushServer, times(3)).publish(eq("ticker"), any());
	}

	@Test
	void publishesNothingBeforeStart() {
		this.scheduler.advanceTimeBy(Duration.ofSeconds(5));
		verify(this.pushServer, never()).publish(any(), any());
	}

	@Test
	void keepsTickingAfterFailedPublish() {
		given(this.pushServer.publish(eq("ticker"), any()))
			.willReturn(Mono.error(new IllegalStateException("not ready")))
			.willThrow(new IllegalStateException("not ready either"))
			.willReturn(Mono.just(new PublishResult("ticker", 1, "e")));
		this.ticker.start();
		this.scheduler.advanceTimeBy(Duration.ofSeconds(3));
		ArgumentCaptor<Object> ticks = ArgumentCaptor.forClass(Object.class);
		verify(this.pushServer, times(3)).publish(eq("ticker"), ticks.capture());
		assertThat(ticks.getAllValues()).extracting((tick) -> ((Tick) tick).seq()).containsExactly(1L, 2L, 3L);
		assertThat(this.ticker.isRunning()).isTrue();
	}

	@Test
	void startIsIdempotent() {
		given(this.pushServer.publish(eq("ticker"), any())).willReturn(Mono.just(new PublishResult("ticker", 1, "e")));
		this.ticker.start();
		this.ticker.start();
		this.scheduler.advanceTimeBy(Duration.ofSeconds(2));
		verify(this.pushServer, times(2)).publish(eq("ticker"), any());
		assertThat(this.ticker.isRunning()).isTrue();
	}

}
