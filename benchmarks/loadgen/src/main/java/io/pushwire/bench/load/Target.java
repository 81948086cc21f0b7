package io.pushwire.bench.load;

/**
 * The servers the load generator talks to, with their subscriber path and default port.
 */
enum Target {

	/** pushwire over WebSocket. */
	PUSHWIRE("/rps", 8081),

	/** Spring's STOMP simple broker on Tomcat. */
	STOMP("/stomp", 8082),

	/** The bare Reactor Netty broadcast. */
	RAW("/ws", 8083),

	/** pushwire over Server-Sent Events. */
	SSE("/rps/sse", 8081),

	/**
	 * The sample application: subscribers authenticated with a JWT from
	 * {@code /demo/token}, on the channel {@code chat:bench}, publishing with
	 * {@code POST /demo/publish} and a bearer token.
	 */
	SAMPLE("/rps", 8081);

	private final String path;

	private final int defaultPort;

	Target(String path, int defaultPort) {
		this.path = path;
		this.defaultPort = defaultPort;
	}

	String path() {
		return this.path;
	}

	int defaultPort() {
		return this.defaultPort;
	}

	/**
	 * Whether the protocol can resume after a disconnect without losing frames.
	 * @return {@code true} for the protocols that resume from a cursor
	 */
	boolean resumes() {
		return this == PUSHWIRE || this == SSE || this == SAMPLE;
	}

	/**
	 * Whether the subscribers speak the pushwire protocol over WebSocket.
	 * @return {@code true} for the benchmark server and the sample application
	 */
	boolean pushwire() {
		return this == PUSHWIRE || this == SAMPLE;
	}

	/**
	 * The channel the subscribers subscribe to and the messages are published on.
	 * @return the pushwire channel name
	 */
	String channel() {
		return (this == SAMPLE) ? "chat:bench" : "bench";
	}

}
