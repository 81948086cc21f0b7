package io.pushwire.server.connection;

import java.time.Duration;

import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * {@link InMemorySessionRegistry} keeps the {@link SessionRegistry} contract.
 */
class InMemorySessionRegistryContractTests extends SessionRegistryContractTests {

	private final VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();

	@Override
	protected SessionRegistry createRegistry(int maxSessionsPerPrincipal) {
		return new InMemorySessionRegistry(Duration.ofMinutes(5), this.scheduler, maxSessionsPerPrincipal);
	}

	@Override
	protected void dispose(SessionRegistry registry) {
		((InMemorySessionRegistry) registry).dispose();
		this.scheduler.dispose();
	}

}
