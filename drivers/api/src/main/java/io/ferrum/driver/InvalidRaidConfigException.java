package io.ferrum.driver;

/** A target RAID configuration breaks Ironic's RAID schema; the message names the field. */
public class InvalidRaidConfigException extends DriverException {
  private static final long serialVersionUID = 1L;

  public InvalidRaidConfigException(String message) {
    super(message);
  }
}
