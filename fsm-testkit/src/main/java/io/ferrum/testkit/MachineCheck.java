package io.ferrum.testkit;

import io.ferrum.fsm.MachineDefinition;
import io.ferrum.fsm.StateSpec;
import io.ferrum.fsm.Transition;
import io.ferrum.testkit.internal.WalkSearch;
import io.ferrum.testkit.internal.Walker;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Checks a {@link MachineDefinition} against the rules every Ferrum machine keeps, by reading its
 * table and by walking instances of it along random event sequences:
 *
 * <ul>
 *   <li><b>{@value #REACHABLE}</b>: every state can be reached from the initial one;
 *   <li><b>{@value #NO_DEAD_ENDS}</b>: every state not declared {@link #finalStates final} has an
 *       event that leaves it;
 *   <li><b>{@value #TRANSIENT_EXITS}</b>: from every transient state a transition leaves for
 *       another state and a stable state can be reached; and on every walk, whenever an instance is
 *       in a transient state, some event can fire there (its guards do not refuse them all);
 *   <li><b>{@value #WAIT_EDGES}</b>: every {@link #waitStates wait state} has the fail and the
 *       abort event (when the machine has the notion);
 *   <li><b>{@value #TARGETS}</b>: a transient state's declared target is a stable state other than
 *       itself; after every event, a stable state has no target and a transient one has one, stable
 *       and not the state itself;
 *   <li><b>{@value #TABLE}</b>: every event fired lands where the table says, {@code canFire}
 *       agrees with {@code fire}, and {@code fire} throws nothing but fsm-core's refusals;
 *   <li><b>{@value #REFUSALS}</b>: a refused event, or a guard or action that throws, leaves state
 *       and target as they were.
 * </ul>
 *
 * <p>A broken rule is reported with the shortest event sequence from the initial state that shows
 * it: for the rules read from the table, a shortest path; for the rules found on walks, the failing
 * walk shrunk and then cut down event by event. Walks start in the initial state, with a fresh
 * {@link #context context} each.
 *
 * <pre>{@code
 * MachineCheck.of(ProvisionMachine.DEFINITION)
 *     .waitStates(waitStates, "fail", "abort")
 *     .run()
 *     .assertPassed();
 * }</pre>
 *
 * <p>Not thread-safe while it is being configured; {@link #run()} may be called any number of
 * times.
 */
public final class MachineCheck {

  /** The name of the reachability check. */
  public static final String REACHABLE = "every state is reachable";

  /** The name of the dead-end check. */
  public static final String NO_DEAD_ENDS = "no dead ends";

  /** The name of the wait-state check. */
  public static final String WAIT_EDGES = "wait states have fail and abort edges";

  /** The name of the check that a transient state can be left. */
  public static final String TRANSIENT_EXITS = Walker.TRANSIENT_EXITS;

  /** The name of the target-state check. */
  public static final String TARGETS = Walker.TARGETS;

  /** The name of the check that events land where the table says. */
  public static final String TABLE = Walker.TABLE;

  /** The name of the check that refusals change nothing. */
  public static final String REFUSALS = Walker.REFUSALS;

  private final MachineDefinition definition;
  private final Set<String> finalStates = new LinkedHashSet<>();
  private final Set<String> waitStates = new LinkedHashSet<>();
  private String failEvent;
  private String abortEvent;
  private Supplier<?> context = () -> null;
  private boolean contextGiven;
  private Budget budget;

  private MachineCheck(MachineDefinition definition) {
    this.definition = Objects.requireNonNull(definition, "definition");
  }

  /** A check of {@code definition}, with no final or wait states and the default budget. */
  public static MachineCheck of(MachineDefinition definition) {
    return new MachineCheck(definition);
  }

  /**
   * Declares stable states that may have no event leaving them (where an object's life ends, such
   * as a deleted record): they are not dead ends.
   *
   * @throws IllegalArgumentException naming a state the machine lacks, or a transient one
   */
  public MachineCheck finalStates(String... states) {
    for (String state : states) {
      StateSpec spec = requireState(state);
      if (!spec.stable()) {
        throw new IllegalArgumentException(
            "final state \"" + state + "\" of machine \"" + definition.name() + "\" is transient");
      }
      finalStates.add(state);
    }
    return this;
  }

  /**
   * Declares the states that wait for something outside the machine (a callback, a timeout), and
   * the events that must leave each of them: {@code failEvent} (a timeout moves the object along
   * it) and {@code abortEvent} (a user gives up). Ironic's provision machine: {@code
   * ProvisionMachine.WAIT_STATES}, {@code "fail"}, {@code "abort"}.
   *
   * @throws IllegalArgumentException naming a state the machine lacks
   */
  public MachineCheck waitStates(Collection<String> states, String failEvent, String abortEvent) {
    for (String state : states) {
      requireState(state);
    }
    waitStates.addAll(states);
    this.failEvent = Objects.requireNonNull(failEvent, "failEvent");
    this.abortEvent = Objects.requireNonNull(abortEvent, "abortEvent");
    return this;
  }

  /**
   * The context each walk's instance carries, made fresh for every walk (and every replay while a
   * failure is shrunk), for machines whose guards and actions read it. Default: none, which a
   * machine built with a context type ({@code MachineDefinition.builder(name, contextType)}) does
   * not accept: the checks refuse to run it without one.
   */
  public MachineCheck context(Supplier<?> context) {
    this.context = Objects.requireNonNull(context, "context");
    this.contextGiven = true;
    return this;
  }

  /** How many walks, how long, from which seed. Default: {@link Budget#defaults()}. */
  public MachineCheck budget(Budget budget) {
    this.budget = Objects.requireNonNull(budget, "budget");
    return this;
  }

  /**
   * Checks the table, then runs the budget's random walks (generated and shrunk inside), and
   * reports every check. A failure says how to replay the walks ({@code -Dferrum.testkit.seed=N}).
   *
   * @throws IllegalStateException when the machine takes a context and none was given ({@link
   *     #context})
   */
  public Report run() {
    requireContext();
    Budget used = budget != null ? budget : Budget.defaults();
    Optional<Violation> walked =
        WalkSearch.search(
            used, input -> Walker.walk(definition, context, input.choices(), input.steps()));
    return report(
        walked.map(v -> Walker.minimize(definition, context, v)),
        used.examples() + " random walks of up to " + used.maxSteps() + " events",
        Budget.SEED_PROPERTY
            + "="
            + used.seed()
            + " (e.g. mvn -D"
            + Budget.SEED_PROPERTY
            + "="
            + used.seed()
            + ")");
  }

  /**
   * Checks the table, then runs one walk of {@code steps} events decided by {@code choices}: how a
   * test driven by another engine runs the walks it generates. A failing walk is cut down event by
   * event to the shortest sequence that still fails.
   *
   * @throws IllegalArgumentException if {@code choices} answers a number out of the bound asked
   * @throws IllegalStateException when the machine takes a context and none was given ({@link
   *     #context})
   */
  public Report run(Choices choices, int steps) {
    Objects.requireNonNull(choices, "choices");
    requireContext();
    Optional<Violation> walked = Walker.walk(definition, context, choices, steps);
    return report(
        walked.map(v -> Walker.minimize(definition, context, v)),
        "one walk of " + steps + " events",
        null);
  }

  /**
   * Checks the table, then fires exactly {@code events} from the initial state: how a reported
   * sequence is replayed.
   *
   * @throws IllegalArgumentException naming an event the machine does not have
   * @throws IllegalStateException when the machine takes a context and none was given ({@link
   *     #context})
   */
  public Report replay(List<String> events) {
    for (String event : events) {
      if (!definition.events().contains(event)) {
        throw new IllegalArgumentException(
            "machine \""
                + definition.name()
                + "\" has no event \""
                + event
                + "\"; its events: "
                + String.join(", ", definition.events()));
      }
    }
    requireContext();
    return report(
        Walker.replay(definition, context, events), "the walk " + String.join(", ", events), null);
  }

  private Report report(Optional<Violation> walked, String walks, String replay) {
    Map<String, List<Violation>> found = new LinkedHashMap<>();
    for (String check :
        List.of(REACHABLE, NO_DEAD_ENDS, TRANSIENT_EXITS, WAIT_EDGES, TARGETS, TABLE, REFUSALS)) {
      found.put(check, new ArrayList<>());
    }
    Map<String, List<String>> paths = shortestPaths();
    checkTable(paths, found);
    walked.ifPresent(v -> found.get(v.check()).add(v));
    List<CheckResult> checks = new ArrayList<>();
    List<Violation> violations = new ArrayList<>();
    for (Map.Entry<String, List<Violation>> entry : found.entrySet()) {
      String check = entry.getKey();
      List<Violation> broken = entry.getValue();
      violations.addAll(broken);
      if (!broken.isEmpty()) {
        checks.add(
            CheckResult.failed(
                check,
                String.join(
                    "; ",
                    broken.stream()
                        .map(
                            v ->
                                v.message()
                                    + " (sequence: "
                                    + (v.events().isEmpty()
                                        ? "none"
                                        : String.join(", ", v.events()))
                                    + ")")
                        .toList())));
      } else if (check.equals(WAIT_EDGES) && waitStates.isEmpty()) {
        checks.add(CheckResult.skipped(check, "no wait states declared (MachineCheck.waitStates)"));
      } else {
        checks.add(CheckResult.passed(check, coverage(check, walks)));
      }
    }
    return new Report("machine \"" + definition.name() + "\"", checks, violations, replay);
  }

  private String coverage(String check, String walks) {
    return switch (check) {
      case REACHABLE, NO_DEAD_ENDS -> definition.states().size() + " states";
      case WAIT_EDGES -> waitStates.size() + " wait states";
      case TRANSIENT_EXITS, TARGETS -> "the table and " + walks;
      default -> walks;
    };
  }

  /** The rules read from the table alone; each violation carries a shortest path to its state. */
  private void checkTable(Map<String, List<String>> paths, Map<String, List<Violation>> found) {
    for (StateSpec state : definition.states()) {
      String name = state.name();
      List<String> path = paths.get(name);
      if (path == null) {
        found
            .get(REACHABLE)
            .add(
                new Violation(
                    REACHABLE,
                    name,
                    "state \""
                        + name
                        + "\" cannot be reached from the initial state \""
                        + definition.initialState()
                        + "\"",
                    List.of()));
        continue;
      }
      Set<String> leaving = definition.allowedEvents(name);
      if (leaving.isEmpty() && !finalStates.contains(name)) {
        found
            .get(NO_DEAD_ENDS)
            .add(
                new Violation(
                    NO_DEAD_ENDS,
                    name,
                    (state.stable() ? "stable" : "transient")
                        + " state \""
                        + name
                        + "\" is a dead end: no event leaves it"
                        + (state.stable() ? ", and it is not declared final" : ""),
                    path));
      }
      if (!state.stable()) {
        boolean leaves =
            definition.transitions().stream()
                .anyMatch(t -> t.from().equals(name) && !t.to().equals(name));
        if (!leaves || !reachesStable(name)) {
          found
              .get(TRANSIENT_EXITS)
              .add(
                  new Violation(
                      TRANSIENT_EXITS,
                      name,
                      "transient state \""
                          + name
                          + "\" has no way out: "
                          + (!leaves
                              ? "no transition leaves it for another state"
                              : "no stable state can be reached from it"),
                      path));
        }
        String target = state.target();
        if (target == null || !definition.isStable(target) || target.equals(name)) {
          found
              .get(TARGETS)
              .add(
                  new Violation(
                      TARGETS,
                      name,
                      "transient state \""
                          + name
                          + "\" declares target \""
                          + target
                          + "\", which is not another, stable state",
                      path));
        }
      }
      if (waitStates.contains(name)) {
        List<String> missing = new ArrayList<>();
        for (String event : List.of(failEvent, abortEvent)) {
          if (!leaving.contains(event)) {
            missing.add("\"" + event + "\"");
          }
        }
        if (!missing.isEmpty()) {
          found
              .get(WAIT_EDGES)
              .add(
                  new Violation(
                      WAIT_EDGES,
                      name,
                      "wait state \""
                          + name
                          + "\" has no "
                          + String.join(" or ", missing)
                          + " edge",
                      path));
        }
      }
    }
  }

  /** For every state reachable from the initial one, a shortest event sequence to it. */
  private Map<String, List<String>> shortestPaths() {
    Map<String, List<String>> paths = new HashMap<>();
    paths.put(definition.initialState(), List.of());
    Deque<String> todo = new ArrayDeque<>(List.of(definition.initialState()));
    while (!todo.isEmpty()) {
      String state = todo.removeFirst();
      for (Transition t : definition.transitions()) {
        if (t.from().equals(state) && !paths.containsKey(t.to())) {
          List<String> path = new ArrayList<>(paths.get(state));
          path.add(t.event());
          paths.put(t.to(), List.copyOf(path));
          todo.addLast(t.to());
        }
      }
    }
    return paths;
  }

  private boolean reachesStable(String from) {
    Set<String> seen = new LinkedHashSet<>(List.of(from));
    Deque<String> todo = new ArrayDeque<>(seen);
    while (!todo.isEmpty()) {
      String state = todo.pop();
      if (definition.isStable(state)) {
        return true;
      }
      for (Transition t : definition.transitions()) {
        if (t.from().equals(state) && seen.add(t.to())) {
          todo.push(t.to());
        }
      }
    }
    return false;
  }

  /** A machine with a context type gets nulls for a context unless one was given: refused. */
  private void requireContext() {
    if (!contextGiven && definition.contextType() != Object.class) {
      throw new IllegalStateException(
          "machine \""
              + definition.name()
              + "\" takes a context of type "
              + definition.contextType().getName()
              + ": give one with context(...), a fresh one per walk");
    }
  }

  private StateSpec requireState(String state) {
    return definition
        .state(state)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "machine \"" + definition.name() + "\" has no state \"" + state + "\""));
  }
}
