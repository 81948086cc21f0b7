/**
 * Spring Boot auto-configuration of the pushwire server and its properties under
 * {@code pushwire.server}.
 */
@NullMarked
package io.pushwire.autoconfigure;

import org.jspecify.annotations.NullMarked;
