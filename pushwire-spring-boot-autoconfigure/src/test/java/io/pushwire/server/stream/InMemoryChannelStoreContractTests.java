package io.pushwire.server.stream;

import java.time.Duration;

import reactor.test.scheduler.VirtualTimeScheduler;

import io.pushwire.core.ChannelName;
import io.pushwire.core.ProtocolCodec;

/**
 * {@link InMemoryChannelStreamStore} keeps the {@link ChannelStore} contract: as the
 * store the connections use directly, and (with {@link HubChannelStreamStore}) as a
 * remote store would be used.
 */
class InMemoryChannelStoreContractTests extends ChannelStoreContractTests {

	private final MutableClock clock = new MutableClock();

	private final VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();

	@Override
	protected ChannelStore createStore() {
		return new InMemoryChannelStreamStore(this.clock, Duration.ofSeconds(30), this.scheduler, new ProtocolCodec(),
				InMemoryChannelStreamStore.DEFAULT_MAX_RETAINED_BYTES, 1000);
	}

	@Override
	protected ChannelStore lose(ChannelStore store, ChannelName channel) {
		// A restart: the memory is gone.
		dispose(store);
		return createStore();
	}

	@Override
	protected void advanceClock(Duration duration) {
		this.clock.advance(duration);
	}

	@Override
	protected ChannelStreamStore streams(ChannelStore store) {
		return (InMemoryChannelStreamStore) store;
	}

	@Override
	protected void dispose(ChannelStore store) {
		((InMemoryChannelStreamStore) store).dispose();
	}

}
