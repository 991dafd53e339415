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
import picocli.CommandLine;

/**
 * {@code --config-drive}, read as the {@code baremetal} client reads it: a JSON object is sent as
 * an object (the server builds the drive from it); the path of a local file sends the file's
 * content (a JSON object in it as an object, anything else as text: a gzipped, base64-encoded
 * image); any other value is sent as it is (an encoded image or a URL). A directory, which the
 * {@code baremetal} client turns into an image with {@code genisoimage}, is refused: build the
 * image first. The file is read by the client, never by the server. Stateless.
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
    if (path == null || !Files.isRegularFile(path)) {
      return value;
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
