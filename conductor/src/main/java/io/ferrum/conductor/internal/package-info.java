/**
 * Not API: the conductor's persistence (Jdbi), migrations, JSON handling, driver registry and
 * provision flows. Public only so that {@code io.ferrum.conductor} can use them; may change at any
 * time.
 */
package io.ferrum.conductor.internal;
