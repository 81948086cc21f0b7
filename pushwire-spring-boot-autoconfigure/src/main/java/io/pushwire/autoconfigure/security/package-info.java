/**
 * Auto-configuration of the authentication of push clients with Spring Security.
 */
@NullMarked
package io.pushwire.autoconfigure.security;

import org.jspecify.annotations.NullMarked;
