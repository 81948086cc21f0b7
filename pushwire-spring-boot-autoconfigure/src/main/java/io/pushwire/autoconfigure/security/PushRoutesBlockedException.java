package io.pushwire.autoconfigure.security;

import java.util.List;

/**
 * Thrown at startup, with {@code pushwire.server.security-check.mode=fail}, when the
 * application's {@code SecurityWebFilterChain} refuses requests without credentials to
 * pushwire's routes before pushwire sees them. Push clients may authenticate inside the
 * protocol, so those clients could not connect. A {@code FailureAnalyzer} reports the
 * routes and the fix.
 *
 * @since 0.1.0
 */
public class PushRoutesBlockedException extends IllegalStateException {

	private final String path;

	private final List<String> refusals;

	PushRoutesBlockedException(String path, List<PushRouteSecurityCheck.Refusal> refusals) {
		super(describe(refusals));
		this.path = path;
		this.refusals = refusals.stream().map(PushRouteSecurityCheck.Refusal::toString).toList();
	}

	private static String describe(List<PushRouteSecurityCheck.Refusal> refusals) {
		StringBuilder message = new StringBuilder("The application's SecurityWebFilterChain refuses requests without "
				+ "credentials to pushwire's routes before pushwire sees them:");
		for (PushRouteSecurityCheck.Refusal refusal : refusals) {
			message.append(' ').append(refusal).append(';');
		}
		message.append(" push clients that authenticate inside the protocol (auth.token, the token query parameter)"
				+ " cannot connect.");
		return message.toString();
	}

	/**
	 * The base path of the push routes ({@code pushwire.server.path}).
	 * @return the path
	 */
	public String getPath() {
		return this.path;
	}

	/**
	 * The routes refused, each as {@code METHOD path (what): status}.
	 * @return the refusals
	 */
	public List<String> getRefusals() {
		return this.refusals;
	}

	/**
	 * What to do about it.
	 * @return the action
	 */
	public String getAction() {
		return "Apply the PushwireSecurityCustomizer bean first in the chain (pushwire.customize(http) before "
				+ "authorizeExchange(...anyExchange()...)): it permits these routes and exempts JSON ack and send "
				+ "from the CSRF token. Or permit them yourself: pathMatchers(\"" + this.path + "\", \"" + this.path
				+ "/**\").permitAll(). If they are meant to require HTTP authentication (cookie or Basic clients "
				+ "only), set pushwire.server.security-check.mode=off.";
	}

}
