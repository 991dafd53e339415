/** The testkit's machinery: random walks and their shrinking. Not API; may change at any time. */
package io.ferrum.testkit.internal;
