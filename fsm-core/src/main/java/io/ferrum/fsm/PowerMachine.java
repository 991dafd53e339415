package io.ferrum.fsm;

import static io.ferrum.fsm.PowerState.ERROR;
import static io.ferrum.fsm.PowerState.NONE;
import static io.ferrum.fsm.PowerState.POWER_OFF;
import static io.ferrum.fsm.PowerState.POWER_ON;
import static io.ferrum.fsm.PowerState.REBOOTING;
import static io.ferrum.fsm.PowerState.SOFT_POWER_OFF;
import static io.ferrum.fsm.PowerState.SOFT_REBOOTING;

import java.util.List;

/**
 * The power machine: which {@link PowerRequest requests} a node accepts in each power state and
 * where they lead.
 *
 * <ul>
 *   <li>{@code power on}, {@code power off} and {@code reboot} are accepted in every stable state,
 *       including {@code error} and none (unknown), since they do not depend on the current state.
 *       Asking for the state a node is already in is allowed and changes nothing.
 *   <li>{@code soft reboot} and {@code soft power off} need a running operating system: only from
 *       {@code power on}.
 *   <li>The transient states end with {@code done} in their target, or {@code fail} in {@code
 *       error}.
 * </ul>
 *
 * <p>Like Ironic, a conductor stores only the stable outcome in {@code power_state}, and shows the
 * request's {@link PowerRequest#targetPowerState() target} in {@code target_power_state} while it
 * runs. Each request transition carries an action whose id is the request's event.
 *
 * <p>Thread-safe: everything here is immutable.
 */
public final class PowerMachine {

  /** The machine. */
  public static final MachineDefinition DEFINITION = define();

  /** The event that ends a transient power state successfully. */
  public static final String DONE = "done";

  /** The event that ends a transient power state in {@code error}. */
  public static final String FAIL = "fail";

  private PowerMachine() {}

  /** A new instance from a stored power state. */
  public static MachineInstance instance(PowerState state) {
    return DEFINITION.newInstance(state.stateName(), null);
  }

  private static MachineDefinition define() {
    MachineDefinition.Builder<Object> builder = MachineDefinition.builder("power");
    for (PowerState state : PowerState.values()) {
      if (state.isStable()) {
        builder.stableState(state.stateName());
      } else {
        builder.transientState(state.stateName(), state.target().orElseThrow().stateName());
      }
    }
    builder.initialState(NONE.stateName());
    for (PowerState from : List.of(POWER_ON, POWER_OFF, ERROR, NONE)) {
      request(builder, from, PowerRequest.POWER_ON, POWER_ON);
      request(builder, from, PowerRequest.POWER_OFF, POWER_OFF);
      request(builder, from, PowerRequest.REBOOT, REBOOTING);
    }
    request(builder, POWER_ON, PowerRequest.SOFT_REBOOT, SOFT_REBOOTING);
    request(builder, POWER_ON, PowerRequest.SOFT_POWER_OFF, SOFT_POWER_OFF);
    for (PowerState running : List.of(REBOOTING, SOFT_REBOOTING, SOFT_POWER_OFF)) {
      builder.transition(running.stateName(), DONE, running.target().orElseThrow().stateName());
      builder.transition(running.stateName(), FAIL, ERROR.stateName());
    }
    return builder.build();
  }

  private static void request(
      MachineDefinition.Builder<Object> builder,
      PowerState from,
      PowerRequest request,
      PowerState to) {
    builder.transition(
        from.stateName(), request.event(), to.stateName(), TransitionAction.named(request.event()));
  }
}
