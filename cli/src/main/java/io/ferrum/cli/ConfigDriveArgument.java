package io.ferrum.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrum.cli.client.ApiClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * {@code --config-drive}, read as the {@code baremetal} client reads it: a JSON object is sent as
 * an object (the server builds the drive from it); the path of a local file sends the file's
 * content (a JSON object in it as an object, anything else as text: a gzipped, base64-encoded
 * image); any other value is sent as it is (an encoded image or a URL). A directory, which the
 * {@code baremetal} client turns into an image with {@code genisoimage}, is refused: build the
 * image first. The file is read by the client, never by the server.
 *
 * <p>Unlike {@code baremetal}, a value that looks like a path (it has a {@code /} or starts with
 * {@code .} or {@code ~}) but names no file is refused rather than sent as text, so that a mistyped
 * path is not taken for the drive, unless it is an {@code http://} or {@code https://} URL or
 * base64 data: a gzipped image encoded (starting {@code H4sI}, gzip's magic number), or base64 text
 * of at least 64 characters in whole 4-character groups that does not start with {@code /}.
 * Stateless.
 */
final class ConfigDriveArgument {

  /** The largest file read: Ironic keeps config drives far smaller (64 MiB, encoded). */
  static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

  private ConfigDriveArgument() {}

  /**
   * The value to send as {@code configdrive}: a JSON object, or a string.
   *
   * @throws CommandLine.ParameterException for a directory, a file too large, unreadable or not
   *     text, or an empty value
   */
  static Object read(CommandLine command, String value) {
    if (value.isBlank()) {
      throw usage(command, "must not be empty");
    }
    JsonNode json = object(value);
    if (json != null) {
      return json;
    }
    Path path = path(value);
    if (path != null && Files.isDirectory(path)) {
      throw usage(
          command,
          "names a directory; build the image from it first (for example with genisoimage),"
              + " then pass it gzipped and base64-encoded, or pass a JSON object");
    }
    if (path == null || !Files.exists(path)) {
      if (looksLikePath(value) && !isUrl(value) && !isBase64(value)) {
        throw new CommandLine.ParameterException(
            command,
            "--config-drive: no such file: "
                + value
                + "; give a file, a JSON object, a URL or base64 data");
      }
      return value;
    }
    if (!Files.isRegularFile(path)) {
      throw usage(command, "names something that is not a file: " + value);
    }
    String content = content(command, path).strip();
    json = object(content);
    if (json != null) {
      return json;
    }
    if (content.isEmpty()) {
      throw usage(command, "names an empty file: " + value);
    }
    return content;
  }

  private static String content(CommandLine command, Path path) {
    byte[] bytes;
    try {
      if (Files.size(path) > MAX_FILE_BYTES) {
        throw usage(command, "names a file larger than 64 MiB: " + path);
      }
      try (InputStream in = Files.newInputStream(path)) {
        bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
      }
    } catch (IOException e) {
      throw usage(command, "names a file that cannot be read: " + path);
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw usage(command, "names a file larger than 64 MiB: " + path);
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw usage(
          command,
          "names a file that is not text: "
              + path
              + "; send an image gzipped and base64-encoded (gzip -c drive.iso | base64 -w0)");
    }
  }

  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]*={0,2}");

  private static boolean looksLikePath(String value) {
    return value.contains("/") || value.startsWith(".") || value.startsWith("~");
  }

  private static boolean isUrl(String value) {
    String lower = value.toLowerCase(Locale.ROOT);
    return lower.startsWith("http://") || lower.startsWith("https://");
  }

  /** A gzipped image base64-encoded, or long base64 text that is not a path from the root. */
  private static boolean isBase64(String value) {
    String data = value.strip();
    if (!BASE64.matcher(data).matches()) {
      return false;
    }
    return data.startsWith("H4sI")
        || (data.length() >= 64 && data.length() % 4 == 0 && !data.startsWith("/"));
  }

  private static JsonNode object(String text) {
    if (!text.stripLeading().startsWith("{")) {
      return null;
    }
    try {
      JsonNode node = ApiClient.encodeJson(text);
      return node != null && node.isObject() ? node : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Path path(String value) {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      return null;
    }
  }

  private static CommandLine.ParameterException usage(CommandLine command, String why) {
    return new CommandLine.ParameterException(command, "--config-drive " + why);
  }
}
