/**
 * A runnable application that uses the pushwire starter: chat, alerts, ticker and inbox
 * channels, HTTP Basic users and the JWTs they obtain.
 */
@NullMarked
package io.pushwire.sample;

import org.jspecify.annotations.NullMarked;
