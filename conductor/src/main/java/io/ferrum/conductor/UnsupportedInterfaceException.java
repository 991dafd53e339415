package io.ferrum.conductor;

/**
 * The node's implementation of a hardware interface is one that does nothing ({@code no-raid},
 * ...), so the request needs an interface the node does not have; the message names the hardware
 * type and the interface.
 */
public class UnsupportedInterfaceException extends InvalidParameterException {
  private static final long serialVersionUID = 1L;

  public UnsupportedInterfaceException(String message) {
    super(message);
  }
}
