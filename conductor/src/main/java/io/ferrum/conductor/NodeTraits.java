package io.ferrum.conductor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A node's traits (Ironic's {@code /v1/nodes/{node}/traits}): qualitative properties a scheduler
 * matches, such as {@code HW_CPU_X86_VMX} or {@code CUSTOM_GPU}. Names follow Ironic's rule (a
 * standard os-traits name or {@code CUSTOM_*}); a node has at most 50. Every change takes the
 * node's exclusive lock, writes and releases it in one transaction, then emits {@code
 * baremetal.node.update.end}. Thread-safe.
 */
public final class NodeTraits {

  private final ConductorContext ctx;
  private final TaskManager tasks;

  NodeTraits(ConductorContext ctx, TaskManager tasks) {
    this.ctx = ctx;
    this.tasks = tasks;
  }

  /**
   * The node's traits, sorted.
   *
   * @throws NodeNotFoundException if there is no such node
   */
  public List<String> list(String ident) {
    return ctx.withHandle("read node " + ident, h -> ctx.find(h, ident)).attributes().traits();
  }

  /**
   * Replaces every trait of the node with {@code traits} (duplicates count once).
   *
   * @throws InvalidParameterException for an invalid name or more than 50 traits
   * @throws NodeNotFoundException if there is no such node
   * @throws NodeLockedException if the node stays busy
   */
  public List<String> set(String ident, List<String> traits) {
    TreeSet<String> all = new TreeSet<>();
    for (String trait : traits) {
      TraitNames.check(trait);
      all.add(trait);
    }
    return write(ident, "set traits", current -> all);
  }

  /**
   * Adds {@code trait} to the node; adding a trait it has changes nothing.
   *
   * @throws InvalidParameterException for an invalid name, or a 51st trait
   * @throws NodeNotFoundException if there is no such node
   * @throws NodeLockedException if the node stays busy
   */
  public List<String> add(String ident, String trait) {
    TraitNames.check(trait);
    return write(
        ident,
        "add trait",
        current -> {
          TreeSet<String> all = new TreeSet<>(current);
          all.add(trait);
          return all;
        });
  }

  /**
   * Removes {@code trait} from the node.
   *
   * @throws NodeNotFoundException if there is no such node, or it does not have {@code trait}
   * @throws NodeLockedException if the node stays busy
   */
  public List<String> remove(String ident, String trait) {
    return write(
        ident,
        "remove trait",
        current -> {
          if (!current.contains(trait)) {
            throw new NodeNotFoundException(
                "Node " + ident + " doesn't have a trait " + trait + ".");
          }
          TreeSet<String> all = new TreeSet<>(current);
          all.remove(trait);
          return all;
        });
  }

  /**
   * Removes every trait of the node.
   *
   * @throws NodeNotFoundException if there is no such node
   * @throws NodeLockedException if the node stays busy
   */
  public List<String> clear(String ident) {
    return write(ident, "remove traits", current -> new TreeSet<>());
  }

  private List<String> write(
      String ident,
      String purpose,
      java.util.function.Function<List<String>, TreeSet<String>> change) {
    try (Task task = tasks.acquire(ident, purpose, LockMode.EXCLUSIVE)) {
      List<String> current = task.node().attributes().traits();
      List<String> traits = new ArrayList<>(change.apply(current));
      if (traits.size() > TraitNames.MAX_PER_NODE) {
        throw new InvalidParameterException(
            "Node "
                + task.node().label()
                + " would have "
                + traits.size()
                + " traits; at most "
                + TraitNames.MAX_PER_NODE
                + " are allowed");
      }
      if (traits.equals(current)) {
        return current;
      }
      task.writeThenNotify(
          purpose, Map.of("traits", traits), null, true, "update", "end", Map.of());
      return task.node().attributes().traits();
    }
  }
}
