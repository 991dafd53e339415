package io.ferrum.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Request bodies as the API accepts them: exactly one JSON value, no duplicate keys, at most {@link
 * #MAX_DEPTH} levels deep, numbers of at most {@link #MAX_NUMBER_LENGTH} characters that fit a
 * 64-bit integer or a finite double, keys of at most {@link #MAX_KEY_LENGTH} characters, and no NUL
 * character or lone UTF-16 surrogate (an escape such as {@code "\ud800"} that is not half of a
 * pair: no Unicode character, and no UTF-8 can store it) in any string or key. Anything else is a
 * 400 that names the field (as {@code driver_info.ports[2]}) or the place in the text, in Ferrum's
 * words: the parser's class and feature names stay out of it. Stateless and thread-safe.
 */
final class StrictJson {

  /** How deep objects and arrays may nest. */
  static final int MAX_DEPTH = 32;

  /** The most characters a number may have. */
  static final int MAX_NUMBER_LENGTH = 400;

  /** The most characters a key may have. */
  static final int MAX_KEY_LENGTH = 50_000;

  /** The most characters a string may have (the body's size limit comes first). */
  static final int MAX_STRING_LENGTH = 20_000_000;

  private static final Pattern NON_STANDARD_TOKEN = Pattern.compile("Non-standard token '([^']*)'");

  /** Where a parser message starts naming its own options; cut there. */
  private static final List<String> PARSER_TALK =
      List.of("enable `", "(not recognized", "Feature '", "`", "com.fasterxml");

  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_DEPTH)
                          .maxNumberLength(MAX_NUMBER_LENGTH)
                          .maxNameLength(MAX_KEY_LENGTH)
                          .maxStringLength(MAX_STRING_LENGTH)
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
        // A limit the parser enforces carries no location of its own: the parser's is where it
        // stopped.
        JsonLocation where = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
        throw new ApiException(400, problem(e) + at(where));
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
      throw new ApiException(400, "Malformed JSON: " + withoutParserTalk(e.getMessage()));
    }
    check(root, "");
    return root;
  }

  /** What is wrong with the body, in Ferrum's words rather than the parser's. */
  private static String problem(JsonProcessingException e) {
    String message = String.valueOf(e.getOriginalMessage());
    if (e instanceof StreamConstraintsException) {
      if (message.startsWith("Document nesting depth")) {
        return "The request body nests deeper than " + MAX_DEPTH + " levels";
      }
      if (message.startsWith("Number value length")) {
        return "The request body holds a number longer than " + MAX_NUMBER_LENGTH + " characters";
      }
      if (message.startsWith("Name length")) {
        return "The request body holds a key longer than " + MAX_KEY_LENGTH + " characters";
      }
      if (message.startsWith("String value length")) {
        return "The request body holds a string longer than " + MAX_STRING_LENGTH + " characters";
      }
      return "The request body is beyond the limits of a request";
    }
    Matcher nonStandard = NON_STANDARD_TOKEN.matcher(message);
    if (message.contains("ALLOW_NON_NUMERIC_NUMBERS") && nonStandard.find()) {
      return "Malformed JSON: the request body holds a number that is not finite ("
          + printable(nonStandard.group(1))
          + ")";
    }
    if (message.contains("ALLOW_COMMENTS")) {
      return "Malformed JSON: comments are not allowed";
    }
    if (message.contains("ALLOW_LEADING_PLUS_SIGN")) {
      return "Malformed JSON: a number may not start with a plus sign";
    }
    return "Malformed JSON: " + withoutParserTalk(message);
  }

  /** {@code message} up to where it starts naming the parser's options or classes. */
  private static String withoutParserTalk(String message) {
    String text = String.valueOf(message);
    int cut = text.length();
    for (String talk : PARSER_TALK) {
      int at = text.indexOf(talk);
      if (at >= 0) {
        cut = Math.min(cut, at);
      }
    }
    String kept = text.substring(0, cut).replaceAll("[\\s:;,(]+$", "");
    return kept.isEmpty() ? "the request body is not valid JSON" : kept;
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
