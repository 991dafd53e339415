package io.ferrum.driver.libvirt;

import io.ferrum.driver.DriverException;
import io.ferrum.driver.InvalidDriverInfoException;
import org.libvirt.LibvirtException;

/** Turns libvirt's errors into {@link DriverException}s a user can act on. Stateless. */
final class LibvirtErrors {

  private LibvirtErrors() {}

  /**
   * The driver exception for {@code e}, raised while doing {@code what} on {@code domain} at {@code
   * uri}: a hint and libvirt's error code. libvirt's own message is left out (it can quote the
   * files libvirt read, for example the XML of a {@code test:///path} URI); it stays in the cause.
   */
  static DriverException translate(LibvirtException e, String what, String domain, String uri) {
    org.libvirt.Error error = e.getError();
    String code = error == null || error.getCode() == null ? "unknown" : error.getCode().name();
    String where = "libvirt domain \"" + domain + "\" at " + uri;
    String hint =
        switch (code) {
          case "VIR_ERR_NO_DOMAIN" ->
              "no such domain: check driver_info.libvirt_domain (a name or UUID) and the URI";
          case "VIR_ERR_NO_CONNECT", "VIR_ERR_SYSTEM_ERROR", "VIR_ERR_RPC" ->
              "cannot talk to libvirt: is the daemon running and driver_info.libvirt_uri right?";
          case "VIR_ERR_AUTH_FAILED", "VIR_ERR_AUTH_CANCELLED" ->
              "authentication failed: check libvirt_sasl_username and libvirt_sasl_password";
          case "VIR_ERR_ACCESS_DENIED", "VIR_ERR_OPERATION_DENIED" ->
              "permission denied: the conductor's user may not do this on that URI";
          case "VIR_ERR_XML_ERROR", "VIR_ERR_XML_DETAIL", "VIR_ERR_XML_INVALID_SCHEMA" ->
              "libvirt refused the domain XML";
          case "VIR_ERR_OPERATION_INVALID" -> "the domain is not in a state that allows this";
          default -> "libvirt error";
        };
    String message = what + " failed on " + where + ": " + hint + " (" + code + ")";
    if (code.equals("VIR_ERR_NO_DOMAIN")) {
      return new InvalidDriverInfoException(message, e);
    }
    return new DriverException(message, e);
  }

  /** Whether {@code e} means the connection itself is broken (worth one reconnect). */
  static boolean isConnectionError(LibvirtException e) {
    org.libvirt.Error error = e.getError();
    if (error == null || error.getCode() == null) {
      return false;
    }
    return switch (error.getCode().name()) {
      case "VIR_ERR_NO_CONNECT", "VIR_ERR_SYSTEM_ERROR", "VIR_ERR_RPC", "VIR_ERR_INVALID_CONN" ->
          true;
      default -> false;
    };
  }
}
