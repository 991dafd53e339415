package io.ferrum.conductor;

/**
 * The result of validating one hardware interface of a node.
 *
 * @param result whether the node carries what the interface needs
 * @param reason why not, or {@code null}
 */
public record InterfaceValidation(boolean result, String reason) {}
