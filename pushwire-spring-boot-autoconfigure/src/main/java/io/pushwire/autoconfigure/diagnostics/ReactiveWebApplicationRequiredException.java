package io.pushwire.autoconfigure.diagnostics;

/**
 * Thrown at startup when the pushwire starter is in a servlet (Spring MVC) web
 * application: the push server runs on WebFlux and would otherwise not start, silently.
 *
 * @since 0.1.0
 */
public class ReactiveWebApplicationRequiredException extends IllegalStateException {

	/**
	 * Create an exception.
	 */
	public ReactiveWebApplicationRequiredException() {
		super("The pushwire server needs a reactive web application (spring-boot-starter-webflux), but this is a"
				+ " servlet web application. Use spring-boot-starter-webflux instead of spring-boot-starter-webmvc, set"
				+ " spring.main.web-application-type=reactive, or set pushwire.server.enabled=false to use only the"
				+ " client.");
	}

}
