/**
 * Auto-configuration of the pushwire server's Actuator support: the {@code pushwire}
 * health indicator and the {@code pushwire} endpoint. Applies only when Spring Boot's
 * Actuator is on the classpath.
 */
@NullMarked
package io.pushwire.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
