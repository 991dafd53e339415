package io.ferrum.fsm;

import com.google.common.collect.ImmutableMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A {@link MachineDefinition} whose states and events are enum constants, so that the compiler
 * catches a misspelt state or event wherever this API is used. The string definition underneath
 * ({@link #definition()}) is the same machine: exports, validation and the engine are shared.
 *
 * <p>Made with {@link #builder(String, Class, Class, Class)}, which names states and events after
 * their constants' {@link Enum#name() names}, or laid over an existing definition with {@link #of},
 * which takes the naming functions (as {@link ProvisionMachine#TYPED} does with Ironic's strings).
 *
 * <p>Immutable and thread-safe.
 *
 * @param <S> the state enum: its constants are exactly the machine's states
 * @param <E> the event enum: it has a constant for every event of the machine
 * @param <C> the type of context instances carry
 */
public final class EnumMachine<S extends Enum<S>, E extends Enum<E>, C> {

  private final MachineDefinition definition;
  private final Class<S> stateType;
  private final Class<E> eventType;
  private final String[] stateNames;
  private final String[] eventNames;
  private final ImmutableMap<String, S> statesByName;
  private final ImmutableMap<String, E> eventsByName;

  private EnumMachine(
      MachineDefinition definition,
      Class<S> stateType,
      Function<? super S, String> stateName,
      Class<E> eventType,
      Function<? super E, String> eventName) {
    this.definition = definition;
    this.stateType = stateType;
    this.eventType = eventType;
    this.stateNames = names(stateType, stateName);
    this.eventNames = names(eventType, eventName);
    this.statesByName = byName(stateType, stateNames);
    this.eventsByName = byName(eventType, eventNames);
  }

  /**
   * Starts a machine called {@code name} whose states are the constants of {@code stateType} (each
   * must be declared) and whose events are constants of {@code eventType}, named after the
   * constants.
   */
  public static <S extends Enum<S>, E extends Enum<E>, C> Builder<S, E, C> builder(
      String name, Class<S> stateType, Class<E> eventType, Class<C> contextType) {
    return new Builder<>(name, stateType, eventType, contextType);
  }

  /**
   * Lays enums over an existing definition.
   *
   * @param stateName the name of each state constant in {@code definition}
   * @param eventName the name of each event constant in {@code definition}
   * @param contextType the context type instances take: the definition's or narrower
   * @throws MachineDefinitionException if two constants share a name, a state constant is not a
   *     state of the machine, a state or an event of the machine has no constant, or the context
   *     types do not fit
   */
  public static <S extends Enum<S>, E extends Enum<E>, C> EnumMachine<S, E, C> of(
      MachineDefinition definition,
      Class<S> stateType,
      Function<? super S, String> stateName,
      Class<E> eventType,
      Function<? super E, String> eventName,
      Class<C> contextType) {
    EnumMachine<S, E, C> machine =
        new EnumMachine<>(definition, stateType, stateName, eventType, eventName);
    for (S constant : stateType.getEnumConstants()) {
      if (!definition.hasState(machine.name(constant))) {
        throw invalid(
            definition,
            stateType.getSimpleName() + "." + constant.name() + " is not a declared state");
      }
    }
    for (StateSpec state : definition.states()) {
      if (!machine.statesByName.containsKey(state.name())) {
        throw invalid(
            definition,
            "state \"" + state.name() + "\" has no " + stateType.getSimpleName() + " constant");
      }
    }
    for (String event : definition.events()) {
      if (!machine.eventsByName.containsKey(event)) {
        throw invalid(
            definition,
            "event \"" + event + "\" has no " + eventType.getSimpleName() + " constant");
      }
    }
    if (!definition.contextType().isAssignableFrom(contextType)) {
      throw invalid(
          definition,
          "it takes a context of type "
              + definition.contextType().getName()
              + ", not "
              + contextType.getName());
    }
    return machine;
  }

  /** The string definition underneath: the same machine. */
  public MachineDefinition definition() {
    return definition;
  }

  /** The state enum. */
  public Class<S> stateType() {
    return stateType;
  }

  /** The event enum. */
  public Class<E> eventType() {
    return eventType;
  }

  /** The name {@code state} has in the {@link #definition() definition}. */
  public String name(S state) {
    return stateNames[state.ordinal()];
  }

  /** The name {@code event} has in the {@link #definition() definition}. */
  public String eventName(E event) {
    return eventNames[event.ordinal()];
  }

  /**
   * The constant of the state called {@code name}.
   *
   * @throws IllegalArgumentException if the machine has no such state
   */
  public S state(String name) {
    S state = statesByName.get(name);
    if (state == null) {
      throw new IllegalArgumentException(
          "Machine \"" + definition.name() + "\" has no state \"" + name + "\"");
    }
    return state;
  }

  /**
   * The constant of the event called {@code name}.
   *
   * @throws IllegalArgumentException if the event enum has no such constant
   */
  public E event(String name) {
    E event = eventsByName.get(name);
    if (event == null) {
      throw new IllegalArgumentException(
          "Machine \"" + definition.name() + "\" has no event \"" + name + "\"");
    }
    return event;
  }

  /** A new instance in the initial state, with no target and no context. */
  public EnumInstance<S, E, C> newInstance() {
    return newInstance(state(definition.initialState()), null, null);
  }

  /**
   * A new instance from persisted values, as {@link MachineDefinition#newInstance(String, String,
   * Object)}.
   *
   * @param target the target, or {@code null} for the state's declared one
   * @param context the instance's context, or {@code null}
   * @throws IllegalArgumentException as {@link MachineDefinition#newInstance(String, String)} does
   */
  public EnumInstance<S, E, C> newInstance(S state, S target, C context) {
    MachineInstance untyped =
        definition.newInstance(name(state), target == null ? null : name(target), context);
    return new EnumInstance<>(this, untyped);
  }

  /** {@code fired} with enum constants. */
  public EnumTransition<S, E> typed(FiredTransition fired) {
    return new EnumTransition<>(
        state(fired.from()),
        event(fired.event()),
        state(fired.to()),
        fired.targetBefore() == null ? null : state(fired.targetBefore()),
        fired.targetAfter() == null ? null : state(fired.targetAfter()),
        fired.action());
  }

  @Override
  public String toString() {
    return "EnumMachine[" + definition + " over " + stateType.getSimpleName() + "]";
  }

  private static MachineDefinitionException invalid(MachineDefinition definition, String problem) {
    return new MachineDefinitionException("Machine \"" + definition.name() + "\": " + problem);
  }

  private static <T extends Enum<T>> String[] names(
      Class<T> type, Function<? super T, String> naming) {
    T[] constants = type.getEnumConstants();
    String[] names = new String[constants.length];
    for (T constant : constants) {
      names[constant.ordinal()] = Objects.requireNonNull(naming.apply(constant), constant.name());
    }
    return names;
  }

  private static <T extends Enum<T>> ImmutableMap<String, T> byName(Class<T> type, String[] names) {
    Map<String, T> byName = new HashMap<>();
    for (T constant : type.getEnumConstants()) {
      T clash = byName.putIfAbsent(names[constant.ordinal()], constant);
      if (clash != null) {
        throw new MachineDefinitionException(
            type.getSimpleName()
                + "."
                + clash.name()
                + " and "
                + type.getSimpleName()
                + "."
                + constant.name()
                + " share the name \""
                + names[constant.ordinal()]
                + "\"");
      }
    }
    return ImmutableMap.copyOf(byName);
  }

  /**
   * Collects a typed machine: the methods of {@link MachineDefinition.Builder}, with constants.
   *
   * <p>Not thread-safe: one thread at a time.
   *
   * @param <S> the state enum
   * @param <E> the event enum
   * @param <C> the context type
   */
  public static final class Builder<S extends Enum<S>, E extends Enum<E>, C> {
    private final MachineDefinition.Builder<C> strings;
    private final Class<S> stateType;
    private final Class<E> eventType;
    private final Class<C> contextType;

    private Builder(String name, Class<S> stateType, Class<E> eventType, Class<C> contextType) {
      this.strings = MachineDefinition.builder(name, contextType);
      this.stateType = Objects.requireNonNull(stateType, "stateType");
      this.eventType = Objects.requireNonNull(eventType, "eventType");
      this.contextType = contextType;
    }

    /** Declares a stable state. */
    public Builder<S, E, C> stableState(S state) {
      strings.stableState(state.name());
      return this;
    }

    /** Declares a transient state aiming at the stable state {@code target}. */
    public Builder<S, E, C> transientState(S state, S target) {
      strings.transientState(state.name(), target.name());
      return this;
    }

    /** Sets the state new instances start in. */
    public Builder<S, E, C> initialState(S state) {
      strings.initialState(state.name());
      return this;
    }

    /** Adds {@code from --event--> to}. */
    public Builder<S, E, C> transition(S from, E event, S to) {
      strings.transition(from.name(), event.name(), to.name());
      return this;
    }

    /** Adds {@code from --event--> to} carrying {@code action} (may be {@code null}). */
    public Builder<S, E, C> transition(S from, E event, S to, TransitionAction action) {
      strings.transition(from.name(), event.name(), to.name(), action);
      return this;
    }

    /** Guards the transition declared just before; see {@link MachineDefinition.Builder#when}. */
    public Builder<S, E, C> when(String guardName, Guard<? super C> guard) {
      strings.when(guardName, guard);
      return this;
    }

    /** Adds an action to the transition declared just before. */
    public Builder<S, E, C> then(Action<? super C> action) {
      strings.then(action);
      return this;
    }

    /** Adds an action run each time a transition enters {@code state}. */
    public Builder<S, E, C> onEntry(S state, Action<? super C> action) {
      strings.onEntry(state.name(), action);
      return this;
    }

    /** Adds an action run each time a transition leaves {@code state}. */
    public Builder<S, E, C> onExit(S state, Action<? super C> action) {
      strings.onExit(state.name(), action);
      return this;
    }

    /**
     * Validates and builds the machine.
     *
     * @throws MachineDefinitionException as {@link MachineDefinition.Builder#build()} does, or if a
     *     constant of the state enum is not declared as a state
     */
    public EnumMachine<S, E, C> build() {
      return of(strings.build(), stateType, Enum::name, eventType, Enum::name, contextType);
    }
  }
}
