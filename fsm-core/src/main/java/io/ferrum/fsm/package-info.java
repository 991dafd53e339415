/**
 * Finite state machines for Ferrum: {@link io.ferrum.fsm.MachineDefinition definitions} built with
 * a small builder and validated as a whole, cheap single-threaded {@link
 * io.ferrum.fsm.MachineInstance instances} initialised from persisted values, and Ironic's {@link
 * io.ferrum.fsm.ProvisionMachine provision} and {@link io.ferrum.fsm.PowerMachine power} machines.
 *
 * <p>Squirrel Foundation is the engine underneath; none of its types appear here.
 */
package io.ferrum.fsm;
