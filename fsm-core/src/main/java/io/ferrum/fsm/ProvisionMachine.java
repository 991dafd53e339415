package io.ferrum.fsm;

import static io.ferrum.fsm.ProvisionEvent.ABORT;
import static io.ferrum.fsm.ProvisionEvent.ADOPT;
import static io.ferrum.fsm.ProvisionEvent.CLEAN;
import static io.ferrum.fsm.ProvisionEvent.DELETE;
import static io.ferrum.fsm.ProvisionEvent.DEPLOY;
import static io.ferrum.fsm.ProvisionEvent.DONE;
import static io.ferrum.fsm.ProvisionEvent.FAIL;
import static io.ferrum.fsm.ProvisionEvent.HOLD;
import static io.ferrum.fsm.ProvisionEvent.INSPECT;
import static io.ferrum.fsm.ProvisionEvent.MANAGE;
import static io.ferrum.fsm.ProvisionEvent.PROVIDE;
import static io.ferrum.fsm.ProvisionEvent.REBUILD;
import static io.ferrum.fsm.ProvisionEvent.RESCUE;
import static io.ferrum.fsm.ProvisionEvent.RESUME;
import static io.ferrum.fsm.ProvisionEvent.SERVICE;
import static io.ferrum.fsm.ProvisionEvent.UNHOLD;
import static io.ferrum.fsm.ProvisionEvent.UNRESCUE;
import static io.ferrum.fsm.ProvisionEvent.WAIT;
import static io.ferrum.fsm.ProvisionState.ACTIVE;
import static io.ferrum.fsm.ProvisionState.ADOPTING;
import static io.ferrum.fsm.ProvisionState.ADOPT_FAILED;
import static io.ferrum.fsm.ProvisionState.AVAILABLE;
import static io.ferrum.fsm.ProvisionState.CLEANING;
import static io.ferrum.fsm.ProvisionState.CLEAN_FAILED;
import static io.ferrum.fsm.ProvisionState.CLEAN_HOLD;
import static io.ferrum.fsm.ProvisionState.CLEAN_WAIT;
import static io.ferrum.fsm.ProvisionState.DELETING;
import static io.ferrum.fsm.ProvisionState.DEPLOYING;
import static io.ferrum.fsm.ProvisionState.DEPLOY_FAILED;
import static io.ferrum.fsm.ProvisionState.DEPLOY_HOLD;
import static io.ferrum.fsm.ProvisionState.ENROLL;
import static io.ferrum.fsm.ProvisionState.ERROR;
import static io.ferrum.fsm.ProvisionState.INSPECTING;
import static io.ferrum.fsm.ProvisionState.INSPECT_FAILED;
import static io.ferrum.fsm.ProvisionState.INSPECT_WAIT;
import static io.ferrum.fsm.ProvisionState.MANAGEABLE;
import static io.ferrum.fsm.ProvisionState.RESCUE_FAILED;
import static io.ferrum.fsm.ProvisionState.RESCUE_WAIT;
import static io.ferrum.fsm.ProvisionState.RESCUING;
import static io.ferrum.fsm.ProvisionState.SERVICE_FAILED;
import static io.ferrum.fsm.ProvisionState.SERVICE_HOLD;
import static io.ferrum.fsm.ProvisionState.SERVICE_WAIT;
import static io.ferrum.fsm.ProvisionState.SERVICING;
import static io.ferrum.fsm.ProvisionState.UNRESCUE_FAILED;
import static io.ferrum.fsm.ProvisionState.UNRESCUING;
import static io.ferrum.fsm.ProvisionState.VERIFYING;
import static io.ferrum.fsm.ProvisionState.WAIT_CALL_BACK;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.Sets;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Ironic's provision state machine: 30 states, 93 transitions, initial state {@code enroll}, with
 * Ironic's strings; plus the API verb to event map and the state groups a conductor needs.
 *
 * <p>The table below is kept in the order of Ironic's own definition so that the two can be
 * compared line by line; a conformance test checks it against the reference tables.
 *
 * <p>Thread-safe: everything here is immutable.
 */
public final class ProvisionMachine {

  /** The machine. */
  public static final MachineDefinition DEFINITION = define();

  /**
   * The same machine with {@link ProvisionState} and {@link ProvisionEvent} constants, for code
   * that wants the compiler to check its states and events: {@code TYPED.newInstance(AVAILABLE,
   * null, null).fire(ProvisionEvent.DEPLOY)}. It takes no context.
   */
  public static final EnumMachine<ProvisionState, ProvisionEvent, Void> TYPED =
      EnumMachine.of(
          DEFINITION,
          ProvisionState.class,
          ProvisionState::value,
          ProvisionEvent.class,
          ProvisionEvent::value,
          Void.class);

  /**
   * API verbs ({@code PUT /v1/nodes/{id}/states/provision} targets) and the event each fires.
   * Ironic's {@code VERBS}: {@code active} and {@code deploy} deploy, {@code deleted} and {@code
   * undeploy} delete, the rest fire the event of the same name.
   */
  public static final Map<String, ProvisionEvent> VERBS =
      ImmutableMap.<String, ProvisionEvent>builder()
          .put("active", DEPLOY)
          .put("deploy", DEPLOY)
          .put("rebuild", REBUILD)
          .put("deleted", DELETE)
          .put("undeploy", DELETE)
          .put("manage", MANAGE)
          .put("provide", PROVIDE)
          .put("inspect", INSPECT)
          .put("clean", CLEAN)
          .put("abort", ABORT)
          .put("adopt", ADOPT)
          .put("rescue", RESCUE)
          .put("unrescue", UNRESCUE)
          .put("unhold", UNHOLD)
          .put("service", SERVICE)
          .build();

  /** The seven {@code * failed} states. */
  public static final Set<ProvisionState> FAILURE_STATES =
      Sets.immutableEnumSet(
          DEPLOY_FAILED,
          CLEAN_FAILED,
          INSPECT_FAILED,
          ADOPT_FAILED,
          RESCUE_FAILED,
          UNRESCUE_FAILED,
          SERVICE_FAILED);

  /**
   * States where a node may be updated although a target is set (Ironic's {@code
   * UPDATE_ALLOWED_STATES}; Ironic also lists the {@code service} verb, which is no state).
   */
  public static final Set<ProvisionState> UPDATE_ALLOWED_STATES =
      Sets.immutableEnumSet(
          DEPLOY_FAILED,
          INSPECTING,
          INSPECT_FAILED,
          INSPECT_WAIT,
          CLEAN_FAILED,
          ERROR,
          VERIFYING,
          ADOPT_FAILED,
          RESCUE_FAILED,
          UNRESCUE_FAILED,
          SERVICE_HOLD,
          SERVICE_FAILED);

  /**
   * States where a node may be deleted outside maintenance (Ironic's {@code DELETE_ALLOWED_STATES}
   * plus {@code available}, which Ironic allows by default).
   */
  public static final Set<ProvisionState> DELETE_ALLOWED_STATES =
      Sets.immutableEnumSet(MANAGEABLE, ENROLL, ADOPT_FAILED, AVAILABLE);

  /**
   * States whose work lives only in a conductor's memory: after that conductor dies or restarts, a
   * node found there is moved along its {@code fail} edge (Ironic's {@code
   * STUCK_STATES_TREATED_AS_FAIL}).
   */
  public static final Set<ProvisionState> STUCK_STATES_TREATED_AS_FAIL =
      Sets.immutableEnumSet(
          DEPLOYING,
          CLEANING,
          VERIFYING,
          INSPECTING,
          ADOPTING,
          RESCUING,
          UNRESCUING,
          DELETING,
          SERVICING);

  /**
   * States the conductor leaves without a request: its work or a callback moves the node on
   * (Ironic's {@code UNSTABLE_STATES}). A provision notification is a {@code start} on entering one
   * from outside them and an {@code end} on leaving them for a state outside them.
   */
  public static final Set<ProvisionState> UNSTABLE_STATES =
      Sets.immutableEnumSet(
          DEPLOYING,
          WAIT_CALL_BACK,
          CLEANING,
          CLEAN_WAIT,
          VERIFYING,
          DELETING,
          INSPECTING,
          INSPECT_WAIT,
          ADOPTING,
          RESCUING,
          RESCUE_WAIT,
          UNRESCUING,
          SERVICING,
          SERVICE_WAIT);

  /** States that wait for an external callback and time out along their {@code fail} edge. */
  public static final Set<ProvisionState> WAIT_STATES =
      Sets.immutableEnumSet(WAIT_CALL_BACK, CLEAN_WAIT, INSPECT_WAIT, RESCUE_WAIT, SERVICE_WAIT);

  /** States the periodic power sync leaves alone (Ironic's {@code SYNC_EXCLUDED_STATES}). */
  public static final Set<ProvisionState> POWER_SYNC_EXCLUDED_STATES =
      Sets.immutableEnumSet(WAIT_CALL_BACK, CLEAN_WAIT, ENROLL, ADOPT_FAILED);

  /** The stable states. */
  public static final Set<ProvisionState> STABLE_STATES = stableStates();

  private ProvisionMachine() {}

  /** The event an API verb fires, if the verb is known. */
  public static Optional<ProvisionEvent> eventForVerb(String verb) {
    return Optional.ofNullable(VERBS.get(verb));
  }

  /** A new instance from persisted values ({@code target} may be {@code null}). */
  public static MachineInstance instance(ProvisionState state, ProvisionState target) {
    return DEFINITION.newInstance(state.value(), target == null ? null : target.value());
  }

  private static Set<ProvisionState> stableStates() {
    EnumSet<ProvisionState> stable = EnumSet.noneOf(ProvisionState.class);
    for (ProvisionState state : ProvisionState.values()) {
      if (state.isStable()) {
        stable.add(state);
      }
    }
    return Sets.immutableEnumSet(stable);
  }

  private static MachineDefinition define() {
    Table table = new Table();
    for (ProvisionState state : ProvisionState.values()) {
      if (state.isStable()) {
        table.builder.stableState(state.value());
      } else {
        table.builder.transientState(state.value(), state.target().orElseThrow().value());
      }
    }
    table.builder.initialState(ENROLL.value());
    table
        .transition(AVAILABLE, DEPLOY, DEPLOYING, ProvisionAction.DEPLOY)
        .transition(DEPLOYING, FAIL, DEPLOY_FAILED)
        .transition(DEPLOY_FAILED, REBUILD, DEPLOYING, ProvisionAction.DEPLOY)
        .transition(DEPLOY_FAILED, DEPLOY, DEPLOYING, ProvisionAction.DEPLOY)
        .transition(DEPLOYING, WAIT, WAIT_CALL_BACK)
        .transition(DEPLOYING, HOLD, DEPLOY_HOLD)
        .transition(WAIT_CALL_BACK, HOLD, DEPLOY_HOLD)
        .transition(WAIT_CALL_BACK, RESUME, DEPLOYING, ProvisionAction.DEPLOY)
        .transition(WAIT_CALL_BACK, FAIL, DEPLOY_FAILED)
        .transition(DEPLOY_HOLD, UNHOLD, WAIT_CALL_BACK)
        .transition(DEPLOY_HOLD, ABORT, DEPLOY_FAILED)
        .transition(WAIT_CALL_BACK, ABORT, DEPLOY_FAILED)
        .transition(DEPLOYING, DONE, ACTIVE)
        .transition(ACTIVE, REBUILD, DEPLOYING, ProvisionAction.DEPLOY)
        .transition(ACTIVE, DELETE, DELETING, ProvisionAction.TEAR_DOWN)
        .transition(WAIT_CALL_BACK, DELETE, DELETING, ProvisionAction.TEAR_DOWN)
        .transition(DEPLOY_FAILED, DELETE, DELETING, ProvisionAction.TEAR_DOWN)
        .transition(DELETING, FAIL, ERROR)
        .transition(DELETING, CLEAN, CLEANING, ProvisionAction.CLEAN)
        .transition(CLEANING, DONE, AVAILABLE)
        .transition(CLEANING, FAIL, CLEAN_FAILED)
        .transition(CLEAN_WAIT, FAIL, CLEAN_FAILED)
        .transition(CLEAN_WAIT, ABORT, CLEAN_FAILED)
        .transition(CLEANING, WAIT, CLEAN_WAIT)
        .transition(CLEANING, HOLD, CLEAN_HOLD)
        .transition(CLEAN_WAIT, HOLD, CLEAN_HOLD)
        .transition(CLEAN_WAIT, RESUME, CLEANING, ProvisionAction.CLEAN)
        .transition(CLEAN_HOLD, ABORT, CLEAN_FAILED)
        .transition(CLEAN_HOLD, UNHOLD, CLEAN_WAIT)
        .transition(CLEAN_FAILED, MANAGE, MANAGEABLE)
        .transition(MANAGEABLE, PROVIDE, CLEANING, ProvisionAction.CLEAN)
        .transition(MANAGEABLE, CLEAN, CLEANING, ProvisionAction.CLEAN)
        .transition(CLEANING, MANAGE, MANAGEABLE)
        .transition(AVAILABLE, MANAGE, MANAGEABLE)
        .transition(ERROR, REBUILD, DEPLOYING, ProvisionAction.DEPLOY)
        .transition(ERROR, DELETE, DELETING, ProvisionAction.TEAR_DOWN)
        .transition(MANAGEABLE, INSPECT, INSPECTING, ProvisionAction.INSPECT)
        .transition(INSPECTING, DONE, MANAGEABLE)
        .transition(INSPECTING, FAIL, INSPECT_FAILED)
        .transition(INSPECTING, WAIT, INSPECT_WAIT)
        .transition(INSPECT_WAIT, DONE, MANAGEABLE)
        .transition(INSPECT_WAIT, FAIL, INSPECT_FAILED)
        .transition(INSPECT_WAIT, ABORT, INSPECT_FAILED)
        .transition(INSPECT_WAIT, RESUME, INSPECTING, ProvisionAction.INSPECT)
        .transition(INSPECT_FAILED, MANAGE, MANAGEABLE)
        .transition(INSPECT_FAILED, INSPECT, INSPECTING, ProvisionAction.INSPECT)
        .transition(ACTIVE, RESCUE, RESCUING, ProvisionAction.RESCUE)
        .transition(RESCUING, DONE, ProvisionState.RESCUE)
        .transition(RESCUING, WAIT, RESCUE_WAIT)
        .transition(RESCUE_WAIT, RESUME, RESCUING, ProvisionAction.RESCUE)
        .transition(ProvisionState.RESCUE, RESCUE, RESCUING, ProvisionAction.RESCUE)
        .transition(ProvisionState.RESCUE, DELETE, DELETING, ProvisionAction.TEAR_DOWN)
        .transition(RESCUE_WAIT, FAIL, RESCUE_FAILED)
        .transition(RESCUING, FAIL, RESCUE_FAILED)
        .transition(RESCUE_WAIT, ABORT, RESCUE_FAILED)
        .transition(RESCUE_FAILED, RESCUE, RESCUING, ProvisionAction.RESCUE)
        .transition(RESCUE_FAILED, UNRESCUE, UNRESCUING, ProvisionAction.UNRESCUE)
        .transition(RESCUE_FAILED, DELETE, DELETING, ProvisionAction.TEAR_DOWN)
        .transition(RESCUE_WAIT, DELETE, DELETING, ProvisionAction.TEAR_DOWN)
        .transition(ProvisionState.RESCUE, UNRESCUE, UNRESCUING, ProvisionAction.UNRESCUE)
        .transition(UNRESCUING, DONE, ACTIVE)
        .transition(UNRESCUING, FAIL, UNRESCUE_FAILED)
        .transition(UNRESCUE_FAILED, RESCUE, RESCUING, ProvisionAction.RESCUE)
        .transition(UNRESCUE_FAILED, UNRESCUE, UNRESCUING, ProvisionAction.UNRESCUE)
        .transition(UNRESCUE_FAILED, DELETE, DELETING, ProvisionAction.TEAR_DOWN)
        .transition(ENROLL, MANAGE, VERIFYING, ProvisionAction.VERIFY)
        .transition(VERIFYING, DONE, MANAGEABLE)
        .transition(VERIFYING, FAIL, ENROLL)
        .transition(MANAGEABLE, ADOPT, ADOPTING, ProvisionAction.ADOPT)
        .transition(ADOPTING, DONE, ACTIVE)
        .transition(ADOPTING, FAIL, ADOPT_FAILED)
        .transition(ADOPT_FAILED, ADOPT, ADOPTING, ProvisionAction.ADOPT)
        .transition(ADOPT_FAILED, MANAGE, MANAGEABLE)
        .transition(SERVICING, DONE, ACTIVE)
        .transition(ACTIVE, SERVICE, SERVICING, ProvisionAction.SERVICE)
        .transition(SERVICING, FAIL, SERVICE_FAILED)
        .transition(SERVICING, WAIT, SERVICE_WAIT)
        .transition(SERVICING, HOLD, SERVICE_HOLD)
        .transition(SERVICE_WAIT, HOLD, SERVICE_HOLD)
        .transition(SERVICE_HOLD, SERVICE, SERVICING, ProvisionAction.SERVICE)
        .transition(SERVICE_HOLD, UNHOLD, SERVICE_WAIT)
        .transition(SERVICE_WAIT, RESUME, SERVICING, ProvisionAction.SERVICE)
        .transition(SERVICE_WAIT, FAIL, SERVICE_FAILED)
        .transition(SERVICE_HOLD, FAIL, SERVICE_FAILED)
        .transition(SERVICE_WAIT, ABORT, SERVICE_FAILED)
        .transition(SERVICE_HOLD, ABORT, SERVICE_FAILED)
        .transition(SERVICE_FAILED, SERVICE, SERVICING, ProvisionAction.SERVICE)
        .transition(SERVICE_FAILED, RESCUE, RESCUING, ProvisionAction.RESCUE)
        .transition(SERVICE_FAILED, WAIT, SERVICE_WAIT)
        .transition(SERVICE_FAILED, HOLD, SERVICE_HOLD)
        .transition(SERVICE_FAILED, DELETE, DELETING, ProvisionAction.TEAR_DOWN)
        .transition(SERVICE_FAILED, ABORT, ACTIVE)
        .transition(SERVICE_WAIT, DELETE, DELETING, ProvisionAction.TEAR_DOWN);
    return table.builder.build();
  }

  /** Typed sugar over the string builder, so a typo in the table is a compile error. */
  private static final class Table {
    final MachineDefinition.Builder<Object> builder = MachineDefinition.builder("provision");

    Table transition(ProvisionState from, ProvisionEvent event, ProvisionState to) {
      builder.transition(from.value(), event.value(), to.value());
      return this;
    }

    Table transition(
        ProvisionState from, ProvisionEvent event, ProvisionState to, ProvisionAction action) {
      builder.transition(from.value(), event.value(), to.value(), action);
      return this;
    }
  }
}
