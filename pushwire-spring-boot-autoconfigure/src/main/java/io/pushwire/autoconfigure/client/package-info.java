/**
 * Auto-configuration of the pushwire client: a prototype {@code PushClient.Builder} from
 * {@code pushwire.client.*}, and a connected {@code PushClient} when a base URL is set.
 */
@NullMarked
package io.pushwire.autoconfigure.client;

import org.jspecify.annotations.NullMarked;
