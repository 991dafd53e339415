package io.ferrum.conductor;

import java.util.Objects;

/**
 * One RFC 6902 JSON Patch operation on a node: {@code add}, {@code replace} or {@code remove} at a
 * path such as {@code /name}, {@code /driver_info/ipmi_address} or {@code /maintenance}.
 *
 * @param op the operation
 * @param path the JSON pointer
 * @param value the value for add and replace; ignored for remove
 */
public record PatchOperation(String op, String path, Object value) {
  public PatchOperation {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(path, "path");
  }

  /** {@code replace} at {@code path}. */
  public static PatchOperation replace(String path, Object value) {
    return new PatchOperation("replace", path, value);
  }

  /** {@code add} at {@code path}. */
  public static PatchOperation add(String path, Object value) {
    return new PatchOperation("add", path, value);
  }

  /** {@code remove} at {@code path}. */
  public static PatchOperation remove(String path) {
    return new PatchOperation("remove", path, null);
  }
}
