package io.ferrum.conductor;

import java.util.List;

/**
 * One page of nodes.
 *
 * @param nodes the nodes
 * @param nextMarker the marker for the next page, or {@code null} when this is the last one
 */
public record NodePage(List<Node> nodes, String nextMarker) {
  public NodePage {
    nodes = List.copyOf(nodes);
  }
}
