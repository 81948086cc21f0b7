/**
 * Startup diagnostics: the check that refuses a servlet application with the starter, and
 * the failure analyzers that turn pushwire's startup failures into a description and an
 * action naming the property or the method to fix.
 */
@NullMarked
package io.pushwire.autoconfigure.diagnostics;

import org.jspecify.annotations.NullMarked;
