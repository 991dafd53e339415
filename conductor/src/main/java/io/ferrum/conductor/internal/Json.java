package io.ferrum.conductor.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON documents stored in text columns. Thread-safe. */
public final class Json {

  /** The one mapper; Jackson's ObjectMapper is thread-safe once configured. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};
  private static final TypeReference<java.util.ArrayList<String>> STRINGS =
      new TypeReference<>() {};

  private Json() {}

  /** {@code document} as JSON text. */
  public static String write(Map<String, Object> document) {
    try {
      return MAPPER.writeValueAsString(document == null ? Map.of() : document);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("value cannot be stored as JSON: " + e.getMessage(), e);
    }
  }

  /** The JSON object in {@code text}; an empty map for {@code null} or blank text. */
  public static Map<String, Object> readMap(String text) {
    if (text == null || text.isBlank() || text.equals("{}")) {
      return new LinkedHashMap<>();
    }
    try {
      return MAPPER.readValue(text, MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is corrupt: " + e.getOriginalMessage(), e);
    }
  }

  /** {@code values} as a JSON array of strings. */
  public static String writeStrings(java.util.List<String> values) {
    try {
      return MAPPER.writeValueAsString(values == null ? java.util.List.of() : values);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("value cannot be stored as JSON: " + e.getMessage(), e);
    }
  }

  /** The JSON array of strings in {@code text}; empty for {@code null} or blank text. */
  public static java.util.List<String> readStrings(String text) {
    if (text == null || text.isBlank() || text.equals("[]")) {
      return java.util.List.of();
    }
    try {
      return MAPPER.readValue(text, STRINGS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is corrupt: " + e.getOriginalMessage(), e);
    }
  }
}
