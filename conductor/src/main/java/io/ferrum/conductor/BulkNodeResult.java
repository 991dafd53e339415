package io.ferrum.conductor;

import java.util.Locale;

/**
 * One node's result in a bulk request.
 *
 * @param node the node as the request named it (UUID or name)
 * @param uuid the node's UUID, once known ({@code null} for a node that was not found)
 * @param state the node's provision state (power state, for a power change) when the result was
 *     written, or the last one seen while pending; {@code null} when unknown
 * @param result pending, success or error
 * @param error why it failed, for an error; else {@code null}
 */
public record BulkNodeResult(
    String node, String uuid, String state, BulkNodeResult.Outcome result, String error) {

  /** Where a node's action stands. */
  public enum Outcome {
    /** Not started yet, or still running. */
    PENDING,
    /** The action ended, and the node is where it was meant to go. */
    SUCCESS,
    /** The action was refused, or it failed: {@link BulkNodeResult#error()} says why. */
    ERROR;

    /** The value shown by the API: {@code pending}, {@code success} or {@code error}. */
    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Outcome of(String value) {
      return valueOf(value.toUpperCase(Locale.ROOT));
    }
  }
}
