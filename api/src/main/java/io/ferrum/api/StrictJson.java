package io.ferrum.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Map;

/**
 * Request bodies as the API accepts them: exactly one JSON value, no duplicate keys, at most {@link
 * #MAX_DEPTH} levels deep, numbers that fit a 64-bit integer or a finite double, and no NUL
 * character or lone UTF-16 surrogate (an escape such as {@code "\ud800"} that is not half of a
 * pair: no Unicode character, and no UTF-8 can store it) in any string or key. Anything else is a
 * 400 that names the field (as {@code driver_info.ports[2]}) or the place in the text. Stateless
 * and thread-safe.
 */
final class StrictJson {

  /** How deep objects and arrays may nest. */
  static final int MAX_DEPTH = 32;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_DEPTH)
                          .maxNumberLength(400)
                          .build())
                  .build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  private StrictJson() {}

  /**
   * Parses and checks {@code bytes}.
   *
   * @throws ApiException 400 naming what is wrong and where
   */
  static JsonNode parse(byte[] bytes) {
    JsonNode root;
    try (JsonParser parser = MAPPER.createParser(bytes)) {
      try {
        root = MAPPER.readTree(parser);
      } catch (JsonProcessingException e) {
        throw new ApiException(
            400, "Malformed JSON: " + e.getOriginalMessage() + at(e.getLocation()));
      }
      if (root == null || root.isMissingNode()) {
        throw new ApiException(400, "The request needs a JSON body");
      }
      JsonLocation end = parser.currentLocation();
      boolean more;
      try {
        more = parser.nextToken() != null;
      } catch (JsonProcessingException e) {
        more = true;
      }
      if (more) {
        throw new ApiException(400, "Malformed JSON: trailing data after the JSON value" + at(end));
      }
    } catch (IOException e) {
      throw new ApiException(400, "Malformed JSON: " + e.getMessage());
    }
    check(root, "");
    return root;
  }

  private static String at(JsonLocation location) {
    return location == null || location.getLineNr() < 1
        ? ""
        : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  private static void check(JsonNode node, String path) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        String name = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
        if (field.getKey().indexOf('\0') >= 0) {
          throw new ApiException(400, "\"" + visible(name) + "\": a key holds a NUL character");
        }
        if (hasLoneSurrogate(field.getKey())) {
          throw new ApiException(
              400, "\"" + visible(name) + "\": a key holds a lone UTF-16 surrogate");
        }
        check(field.getValue(), name);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        check(node.get(i), path + "[" + i + "]");
      }
    } else if (node.isTextual()) {
      if (node.textValue().indexOf('\0') >= 0) {
        throw new ApiException(400, "\"" + label(path) + "\" holds a NUL character");
      }
      if (hasLoneSurrogate(node.textValue())) {
        throw new ApiException(400, "\"" + label(path) + "\" holds a lone UTF-16 surrogate");
      }
    } else if (node.isNumber()) {
      boolean fits =
          node.isIntegralNumber() ? node.canConvertToLong() : Double.isFinite(node.doubleValue());
      if (!fits) {
        throw new ApiException(
            400,
            "\""
                + label(path)
                + "\": number out of range (a 64-bit integer or a finite double is expected)");
      }
    }
  }

  /** Whether {@code text} has a surrogate that is not half of a high-low pair. */
  static boolean hasLoneSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  private static String label(String path) {
    return path.isEmpty() ? "(body)" : visible(path);
  }

  /** {@code text} fit for an error message: control characters as '?', at most 200 characters. */
  static String printable(String text) {
    return visible(text.replaceAll("\\p{Cntrl}", "?"));
  }

  private static String visible(String text) {
    StringBuilder printable = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean paired =
          Character.isHighSurrogate(c)
                  && i + 1 < text.length()
                  && Character.isLowSurrogate(text.charAt(i + 1))
              || Character.isLowSurrogate(c)
                  && i > 0
                  && Character.isHighSurrogate(text.charAt(i - 1));
      printable.append(c == '\0' || Character.isSurrogate(c) && !paired ? '?' : c);
    }
    String shown = printable.toString();
    return shown.length() > 200 ? shown.substring(0, 200) + "..." : shown;
  }
}
