/**
 * Authentication of push clients ({@link io.pushwire.security.AuthValidator}), the access
 * rules that channel kinds declare ({@link io.pushwire.security.AccessRule}), and
 * adapters to Spring Security.
 */
@NullMarked
package io.pushwire.security;

import org.jspecify.annotations.NullMarked;
