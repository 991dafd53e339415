package io.ferrum.testkit.internal;

import io.ferrum.fsm.ActionFailedException;
import io.ferrum.fsm.FiredTransition;
import io.ferrum.fsm.GuardFailedException;
import io.ferrum.fsm.InvalidTransitionException;
import io.ferrum.fsm.MachineDefinition;
import io.ferrum.fsm.MachineInstance;
import io.ferrum.fsm.Transition;
import io.ferrum.testkit.Choices;
import io.ferrum.testkit.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One walk through a machine from its initial state: fires events one at a time and checks, after
 * each, the rules every instance must keep. The first broken rule ends the walk as a {@link
 * Violation} carrying every event fired so far.
 *
 * <p>Not thread-safe: one walk, one thread.
 */
public final class Walker {

  /** Check names shared with {@code MachineCheck}'s report. */
  public static final String TABLE = "transitions follow the table";

  public static final String REFUSALS = "refused events change nothing";
  public static final String TARGETS = "target rules";
  public static final String TRANSIENT_EXITS = "transient states have a way out";

  /** An event no machine defines, tried now and then to see it refused cleanly. */
  static final String UNKNOWN_EVENT = "(no such event)";

  private final MachineDefinition definition;
  private final MachineInstance instance;
  private final List<String> events = new ArrayList<>();

  private Walker(MachineDefinition definition, Object context) {
    this.definition = definition;
    this.instance = definition.newInstance(definition.initialState(), null, context);
  }

  /**
   * Walks up to {@code steps} events chosen by {@code choices}: each step takes one of the events
   * the current state allows, or now and then any event of the machine (allowed or not).
   */
  public static Optional<Violation> walk(
      MachineDefinition definition, Supplier<?> context, Choices choices, int steps) {
    Walker walker = new Walker(definition, context.get());
    Optional<Violation> start = walker.checkState();
    if (start.isPresent()) {
      return start;
    }
    List<String> all = new ArrayList<>(definition.events());
    all.add(UNKNOWN_EVENT);
    for (int i = 0; i < steps; i++) {
      List<String> allowed = List.copyOf(walker.instance.allowedEvents());
      int pick = choose(choices, allowed.size() + 1);
      String event =
          pick < allowed.size() ? allowed.get(pick) : all.get(choose(choices, all.size()));
      Optional<Violation> found = walker.step(event);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static int choose(Choices choices, int bound) {
    int pick = choices.choose(bound);
    if (pick < 0 || pick >= bound) {
      throw new IllegalArgumentException(
          "Choices.choose("
              + bound
              + ") returned "
              + pick
              + "; it must be from 0 to "
              + (bound - 1));
    }
    return pick;
  }

  /** Fires exactly {@code events}, in order, with the same checks as {@link #walk}. */
  public static Optional<Violation> replay(
      MachineDefinition definition, Supplier<?> context, List<String> events) {
    Walker walker = new Walker(definition, context.get());
    Optional<Violation> start = walker.checkState();
    if (start.isPresent()) {
      return start;
    }
    for (String event : events) {
      Optional<Violation> found = walker.step(event);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /**
   * The shortest sequence this greedy pass finds that still breaks the same check: drops one event
   * at a time, keeping each drop after which a replay still fails that check, until no single drop
   * does.
   */
  public static Violation minimize(
      MachineDefinition definition, Supplier<?> context, Violation violation) {
    Violation best = violation;
    boolean shorter = true;
    while (shorter) {
      shorter = false;
      for (int i = 0; i < best.events().size(); i++) {
        List<String> candidate = new ArrayList<>(best.events());
        candidate.remove(i);
        Optional<Violation> again = replay(definition, context, candidate);
        if (again.isPresent()
            && again.get().check().equals(best.check())
            && again.get().events().size() < best.events().size()) {
          best = again.get();
          shorter = true;
          break;
        }
      }
    }
    return best;
  }

  private Optional<Violation> step(String event) {
    String before = instance.state();
    String targetBefore = instance.target();
    boolean allowed;
    try {
      allowed = instance.canFire(event);
    } catch (GuardFailedException e) {
      allowed = false;
    }
    events.add(event);
    FiredTransition fired;
    try {
      fired = instance.fire(event);
    } catch (InvalidTransitionException | GuardFailedException | ActionFailedException e) {
      if (!instance.state().equals(before) || !Objects.equals(instance.target(), targetBefore)) {
        return violation(
            REFUSALS,
            before,
            "event \""
                + event
                + "\" was refused ("
                + e.getClass().getSimpleName()
                + ") yet the instance moved from "
                + show(before, targetBefore)
                + " to "
                + show(instance.state(), instance.target()));
      }
      if (allowed && e instanceof InvalidTransitionException) {
        return violation(
            TABLE,
            before,
            "canFire(\"" + event + "\") said yes in \"" + before + "\" but fire refused it");
      }
      return Optional.empty();
    } catch (RuntimeException e) {
      return violation(
          TABLE,
          before,
          "fire(\""
              + event
              + "\") in \""
              + before
              + "\" threw "
              + e.getClass().getName()
              + ": "
              + e.getMessage()
              + " (only InvalidTransitionException, GuardFailedException and"
              + " ActionFailedException are expected)");
    }
    if (!allowed) {
      return violation(
          TABLE,
          before,
          "canFire(\"" + event + "\") said no in \"" + before + "\" but fire took it");
    }
    boolean declared =
        definition.transitions(before, event).stream()
            .map(Transition::to)
            .anyMatch(fired.to()::equals);
    if (!declared
        || !fired.from().equals(before)
        || !fired.to().equals(instance.state())
        || !Objects.equals(fired.targetBefore(), targetBefore)
        || !Objects.equals(fired.targetAfter(), instance.target())) {
      return violation(
          TABLE,
          before,
          "event \""
              + event
              + "\" from \""
              + before
              + "\" reported "
              + fired
              + " and left the instance in "
              + show(instance.state(), instance.target())
              + "; the table allows "
              + definition.transitions(before, event));
    }
    return checkState();
  }

  /** The rules of the state the instance is in now. */
  private Optional<Violation> checkState() {
    String state = instance.state();
    String target = instance.target();
    boolean stable = definition.isStable(state);
    if (stable && target != null) {
      return violation(
          TARGETS, state, "stable state \"" + state + "\" has target \"" + target + "\"");
    }
    if (!stable && target == null) {
      return violation(TARGETS, state, "transient state \"" + state + "\" has no target");
    }
    if (target != null && !definition.isStable(target)) {
      return violation(
          TARGETS, state, "target \"" + target + "\" of \"" + state + "\" is not a stable state");
    }
    if (state.equals(target)) {
      return violation(TARGETS, state, "state \"" + state + "\" is its own target");
    }
    if (!stable) {
      for (String event : instance.allowedEvents()) {
        try {
          if (instance.canFire(event)) {
            return Optional.empty();
          }
        } catch (GuardFailedException e) {
          // A guard that throws refuses; keep looking.
        }
      }
      return violation(
          TRANSIENT_EXITS,
          state,
          "transient state \""
              + state
              + "\" has no way out here: "
              + (instance.allowedEvents().isEmpty()
                  ? "no event leaves it"
                  : "guards refuse every event that leaves it " + instance.allowedEvents()));
    }
    return Optional.empty();
  }

  private Optional<Violation> violation(String check, String state, String message) {
    return Optional.of(new Violation(check, state, message, events));
  }

  private static String show(String state, String target) {
    return "\"" + state + "\"" + (target == null ? "" : " (target \"" + target + "\")");
  }
}
