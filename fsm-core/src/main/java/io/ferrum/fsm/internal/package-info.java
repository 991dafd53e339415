/**
 * Not API: the Squirrel Foundation adapter and a small JSON reader. Public only so that {@code
 * io.ferrum.fsm} can use them; may change at any time.
 */
package io.ferrum.fsm.internal;
