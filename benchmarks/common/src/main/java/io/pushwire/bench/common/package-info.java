/**
 * What the three benchmark servers share, so that they publish the same bytes at the same
 * pace and report memory the same way: the payload, the publisher loop and the heap
 * probe.
 */
package io.pushwire.bench.common;
