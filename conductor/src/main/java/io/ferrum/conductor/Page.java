package io.ferrum.conductor;

import java.util.List;

/**
 * One page of a listing. Immutable.
 *
 * @param items the items, in the listing's order
 * @param nextMarker the UUID to pass as the next page's marker, or {@code null} on the last page
 * @param <T> what is listed
 */
public record Page<T>(List<T> items, String nextMarker) {
  public Page {
    items = List.copyOf(items);
  }
}
