package io.ferrum.testkit;

import io.ferrum.fsm.MachineDefinition;
import io.ferrum.fsm.TransitionAction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random valid machine definitions from a seed, for testing code that takes any machine (an
 * exporter, a checker, a tool that stores machines). The same seed always gives the same machine,
 * so a failing seed reported by a test reproduces it.
 *
 * <p>Shape: 1 to 12 states (at least one stable; the initial state is the first one), a spanning
 * tree from the initial state so every state is reachable, an edge from each transient state to a
 * stable one so every state can settle, then random extra edges over a small event alphabet (so
 * that events collide across states), and some names with spaces, quotes and punctuation to
 * exercise the exports. No guards and no actions run; some transitions carry an action label.
 * Stable states may have no event leaving them (see {@link #endStates}).
 *
 * <p>Thread-safe: it has no state.
 */
public final class RandomMachines {

  private static final String[] ODD_NAMES = {"wait call-back", "a \"quoted\" one", "x:y;z", "ü"};

  private RandomMachines() {}

  /** The machine of {@code seed}. */
  public static MachineDefinition generate(long seed) {
    Random random = new Random(seed);
    int count = 1 + random.nextInt(12);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = random.nextInt(5) == 0 ? ODD_NAMES[random.nextInt(ODD_NAMES.length)] : "s" + i;
      names.add(names.contains(name) ? "s" + i : name);
    }
    List<String> stable = new ArrayList<>();
    boolean[] isStable = new boolean[count];
    for (int i = 0; i < count; i++) {
      isStable[i] = i == 0 || random.nextInt(3) == 0;
      if (isStable[i]) {
        stable.add(names.get(i));
      }
    }
    MachineDefinition.Builder<Object> builder = MachineDefinition.builder("random-" + seed);
    for (int i = 0; i < count; i++) {
      if (isStable[i]) {
        builder.stableState(names.get(i));
      } else {
        builder.transientState(names.get(i), stable.get(random.nextInt(stable.size())));
      }
    }
    builder.initialState(names.get(0));
    Set<String> used = new HashSet<>();
    String[] alphabet = {"go", "done", "fail", "wait", "abort"};
    for (int i = 1; i < count; i++) {
      String from = names.get(random.nextInt(i));
      add(builder, used, from, "reach" + i, names.get(i), random);
    }
    for (int i = 0; i < count; i++) {
      if (!isStable[i]) {
        add(
            builder,
            used,
            names.get(i),
            "settle",
            stable.get(random.nextInt(stable.size())),
            random);
      }
    }
    int extra = random.nextInt(3 * count + 1);
    for (int k = 0; k < extra; k++) {
      String from = names.get(random.nextInt(count));
      String event = alphabet[random.nextInt(alphabet.length)];
      add(builder, used, from, event, names.get(random.nextInt(count)), random);
    }
    return builder.build();
  }

  /**
   * The stable states of {@code definition} that no event leaves: where a random machine's life
   * ends, to declare {@link MachineCheck#finalStates final}.
   */
  public static String[] endStates(MachineDefinition definition) {
    return definition.states().stream()
        .filter(state -> state.stable() && definition.allowedEvents(state.name()).isEmpty())
        .map(state -> state.name())
        .toArray(String[]::new);
  }

  private static void add(
      MachineDefinition.Builder<Object> builder,
      Set<String> used,
      String from,
      String event,
      String to,
      Random random) {
    if (used.add(from + "\u0000" + event)) {
      TransitionAction action = random.nextBoolean() ? TransitionAction.named("do-" + event) : null;
      builder.transition(from, event, to, action);
    }
  }
}
