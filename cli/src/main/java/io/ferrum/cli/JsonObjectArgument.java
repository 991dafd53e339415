package io.ferrum.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrum.cli.client.ApiClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * An option whose value is a JSON object, read as the {@code baremetal} client reads {@code
 * --target-raid-config}: {@code -} reads it from standard input; the path of a local file reads the
 * file; anything else is the JSON itself. The file is read by the client, never by the server.
 * ({@code @PATH} is picocli's argument file, expanded before the option sees it, so it is no way to
 * name the file.) Stateless.
 */
final class JsonObjectArgument {

  /** The largest file or input read; a RAID configuration is a few hundred bytes. */
  static final int MAX_BYTES = 1024 * 1024;

  private JsonObjectArgument() {}

  /**
   * The JSON object {@code value} gives, for {@code option}.
   *
   * @throws CommandLine.ParameterException naming {@code option}, for a missing or unreadable file,
   *     input too large, or text that is not a JSON object
   */
  static JsonNode read(CommandLine command, String option, String value, InputStream stdin) {
    String text;
    String from;
    if (value.equals("-")) {
      text = limited(command, option, stdin, "standard input");
      from = "standard input";
    } else if (isFile(value)) {
      String name = value;
      try (InputStream in = Files.newInputStream(Path.of(name))) {
        text = limited(command, option, in, name);
      } catch (IOException e) {
        throw new CommandLine.ParameterException(
            command, option + ": cannot read " + name + ": " + e.getMessage(), e, null, value);
      }
      from = name;
    } else {
      text = value;
      from = null;
    }
    JsonNode json;
    try {
      json = ApiClient.encodeJson(text);
    } catch (IllegalArgumentException e) {
      if (from == null && looksLikePath(value)) {
        throw new CommandLine.ParameterException(command, option + ": no such file: " + value);
      }
      throw new CommandLine.ParameterException(
          command,
          option
              + (from == null ? " is neither a file nor JSON: " : ": " + from + " is not JSON: ")
              + e.getMessage());
    }
    if (json == null || !json.isObject()) {
      throw new CommandLine.ParameterException(
          command,
          option + (from == null ? "" : ": " + from) + " must hold a JSON object, as {\"a\": 1}");
    }
    return json;
  }

  /** Not JSON, and has a {@code /} or starts with {@code .} or {@code ~}: a mistyped path. */
  private static boolean looksLikePath(String value) {
    String text = value.strip();
    return !text.startsWith("{")
        && !text.startsWith("[")
        && (text.contains("/") || text.startsWith(".") || text.startsWith("~"));
  }

  private static boolean isFile(String value) {
    Path path = path(value);
    return path != null && Files.isRegularFile(path);
  }

  private static Path path(String value) {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      return null;
    }
  }

  private static String limited(CommandLine command, String option, InputStream in, String name) {
    try {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new CommandLine.ParameterException(
            command, option + ": " + name + " is larger than " + MAX_BYTES + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CommandLine.ParameterException(
          command, option + ": cannot read " + name + ": " + e.getMessage(), e, null, name);
    }
  }
}
