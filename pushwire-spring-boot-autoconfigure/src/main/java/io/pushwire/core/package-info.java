/**
 * The pushwire wire protocol: frames, system ops, channel names, cursors and epochs, the
 * wire formats (the JSON codec today) and messages prepared once per format for many
 * connections, with no Spring web types so that the server and the client share one
 * model.
 */
@NullMarked
package io.pushwire.core;

import org.jspecify.annotations.NullMarked;
