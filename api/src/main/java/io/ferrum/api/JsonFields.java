package io.ferrum.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrum.conductor.LenientBoolean;
import io.ferrum.conductor.ProvisionRequest;
import io.ferrum.driver.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads fields of a request body with their types checked: every mistake is a 400 naming the field.
 * Stateless and thread-safe.
 */
final class JsonFields {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> STEP_FIELDS = new TreeSet<>(Set.of("interface", "step", "args"));

  private JsonFields() {}

  /** Refuses fields of {@code body} outside {@code allowed}; {@code what} names the resource. */
  static void only(ObjectNode body, Set<String> allowed, String what) {
    for (String name : iterable(body.fieldNames())) {
      if (!allowed.contains(name)) {
        throw new ApiException(
            400,
            "Unknown attribute for "
                + what
                + ": \""
                + name
                + "\"; Ferrum accepts "
                + new TreeSet<>(allowed));
      }
    }
  }

  /** A JSON value as plain Java: maps, lists, strings, numbers, booleans, null. */
  static Object value(JsonNode node) {
    return JSON.convertValue(node, Object.class);
  }

  static String requiredText(ObjectNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      throw new ApiException(400, "Missing mandatory field \"" + field + "\"");
    }
    if (!value.isTextual()) {
      throw new ApiException(400, "\"" + field + "\" must be a string");
    }
    return value.asText();
  }

  static String optionalText(ObjectNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new ApiException(400, "\"" + field + "\" must be a string");
    }
    return value.asText();
  }

  /** The object {@code field}, empty when absent or null. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> document(ObjectNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return Map.of();
    }
    if (!value.isObject()) {
      throw new ApiException(400, "\"" + field + "\" must be a JSON object");
    }
    return JSON.convertValue(value, Map.class);
  }

  /**
   * The steps in {@code field}: each {"interface", "step", "args"}, the interface one of {@link
   * ProvisionRequest#STEP_INTERFACES}, the step non-empty, args an object.
   */
  static List<Step> steps(ObjectNode body, String field) {
    return steps(body, field, "");
  }

  /** {@link #steps(ObjectNode, String)}, naming the field {@code prefix + field} in errors. */
  @SuppressWarnings("unchecked")
  static List<Step> steps(ObjectNode body, String field, String prefix) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw new ApiException(400, "\"" + prefix + field + "\" must be a JSON array of steps");
    }
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode step = value.get(i);
      String at = prefix + field + "[" + i + "]";
      if (!step.isObject()
          || !step.path("interface").isTextual()
          || !step.path("step").isTextual()) {
        throw new ApiException(400, "\"" + at + "\" needs string \"interface\" and \"step\"");
      }
      for (String name : iterable(step.fieldNames())) {
        if (!STEP_FIELDS.contains(name)) {
          throw new ApiException(
              400,
              "\""
                  + at
                  + "\" has an unknown field \""
                  + StrictJson.printable(name)
                  + "\"; allowed: "
                  + STEP_FIELDS);
        }
      }
      if (!ProvisionRequest.STEP_INTERFACES.contains(step.get("interface").asText())) {
        throw new ApiException(
            400, "\"" + at + ".interface\" must be one of " + ProvisionRequest.STEP_INTERFACES);
      }
      if (step.get("step").asText().isEmpty()) {
        throw new ApiException(400, "\"" + at + ".step\" must be a non-empty string");
      }
      JsonNode args = step.get("args");
      if (args != null && !args.isNull() && !args.isObject()) {
        throw new ApiException(400, "\"" + at + ".args\" must be a JSON object");
      }
      Map<String, Object> values =
          args == null || args.isNull() ? Map.of() : JSON.convertValue(args, Map.class);
      steps.add(new Step(step.get("interface").asText(), step.get("step").asText(), values));
    }
    return steps;
  }

  /** A boolean query parameter, read as Ironic reads one ({@link LenientBoolean}). */
  static boolean bool(String value, String name) {
    return LenientBoolean.parse(value, name);
  }

  /**
   * The page size {@code value} asks for, at most {@code max}: a larger whole number, however
   * large, reads as {@code max}, as Ironic caps it.
   */
  static int limit(String value, int max) {
    if (value.matches("0*[1-9][0-9]*")) {
      String digits = value.replaceFirst("^0+", "");
      return digits.length() > 9 ? max : Math.min(Integer.parseInt(digits), max);
    }
    throw new ApiException(
        400,
        "limit must be a whole number of at least 1 (the most a page holds is "
            + max
            + "; a larger limit reads as "
            + max
            + "), not \""
            + StrictJson.printable(value)
            + "\"");
  }

  /** The longest timeout, in seconds, a request may give. */
  static final int MAX_TIMEOUT_SECONDS = Integer.MAX_VALUE;

  /**
   * A timeout in whole seconds, 1 to {@link #MAX_TIMEOUT_SECONDS}, or {@code null} when absent.
   *
   * @param name how errors name the field
   */
  static java.time.Duration timeoutSeconds(JsonNode value, String name) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1) {
      throw new ApiException(
          400, name + " must be a whole number of seconds from 1 to " + MAX_TIMEOUT_SECONDS);
    }
    return java.time.Duration.ofSeconds(value.asInt());
  }

  static <T> Iterable<T> iterable(java.util.Iterator<T> iterator) {
    return () -> iterator;
  }
}
