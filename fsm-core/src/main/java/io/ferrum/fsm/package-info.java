/**
 * Finite state machines for Ferrum: {@link io.ferrum.fsm.MachineDefinition definitions} built with
 * a small builder and validated as a whole, cheap single-threaded {@link
 * io.ferrum.fsm.MachineInstance instances} initialised from persisted values, and Ironic's {@link
 * io.ferrum.fsm.ProvisionMachine provision} and {@link io.ferrum.fsm.PowerMachine power} machines.
 *
 * <p>A machine of your own may also have {@link io.ferrum.fsm.Guard guards} on its transitions,
 * {@link io.ferrum.fsm.Action actions} on transitions and on entering or leaving states, a context
 * (extended state) for them to work on, and {@link io.ferrum.fsm.TransitionListener listeners} on
 * its instances; they all run on the thread that fires the event. {@link io.ferrum.fsm.EnumMachine}
 * gives the same machines enum states and events. Ironic's machines have none of this: their work
 * runs in the conductor's workers.
 *
 * <p>Squirrel Foundation is the engine underneath; none of its types appear here.
 */
package io.ferrum.fsm;
