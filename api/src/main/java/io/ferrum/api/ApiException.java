package io.ferrum.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP error the API answers with, in Ironic's error envelope. Immutable. */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final Map<String, String> headers;

  public ApiException(int status, String message) {
    this(status, message, Map.of());
  }

  /** A 405 (or other) error that also names the allowed methods. */
  public ApiException(int status, String message, String allow) {
    this(status, message, allow == null ? Map.of() : Map.of("Allow", allow));
  }

  private ApiException(int status, String message, Map<String, String> headers) {
    super(message);
    this.status = status;
    this.headers = Map.copyOf(headers);
  }

  /** This error with one more response header (e.g. {@code Retry-After}). */
  public ApiException withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new ApiException(status, getMessage(), more);
  }

  /** For a 405: the methods the resource allows, else {@code null}. */
  public String allow() {
    return headers.get("Allow");
  }

  /** Response headers the error comes with. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }
}
