package io.ferrum.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ferrum.cli.client.ApiClient;
import io.ferrum.cli.client.ClientException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options every client command shares, and its output helpers. */
final class ClientOptions {

  private static final ObjectMapper PRETTY =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** How results are printed. */
  enum Format {
    table,
    json
  }

  @Option(
      names = "--url",
      paramLabel = "URL",
      defaultValue = "${env:FERRUM_URL:-http://127.0.0.1:6385}",
      description = {
        "Ferrum API URL (default: $FERRUM_URL, else",
        "${DEFAULT-VALUE}). Credentials come from",
        "$FERRUM_USER and $FERRUM_PASSWORD."
      })
  String url;

  @Option(
      names = {"-f", "--format"},
      defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  /**
   * {@code value} of {@code option} if it is at least 1 (or absent); else a usage error naming the
   * option.
   */
  static Integer positive(CommandLine command, String option, Integer value) {
    if (value != null && value < 1) {
      throw new CommandLine.ParameterException(
          command, option + " must be at least 1 second, not " + value);
    }
    return value;
  }

  ApiClient client() {
    return new ApiClient(
        checkedUrl(), System.getenv("FERRUM_USER"), System.getenv("FERRUM_PASSWORD"));
  }

  /** {@link #url} if it is an http or https URL with a host; else a usage error naming it. */
  private String checkedUrl() {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri != null && uri.getPort() > 65535) {
      throw new ClientException(
          400, "--url (or FERRUM_URL) names port " + uri.getPort() + "; ports go up to 65535");
    }
    if (uri == null
        || uri.getScheme() == null
        || !List.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))
        || uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new ClientException(
          400,
          "--url (or FERRUM_URL) must be an http:// or https:// URL such as"
              + " http://127.0.0.1:6385, not '"
              + url
              + "'");
    }
    return url;
  }

  /** Prints one object: its fields as a two-column table, or JSON. */
  void printObject(PrintWriter out, JsonNode object, List<String> fields) throws Exception {
    if (format == Format.json) {
      out.println(PRETTY.writeValueAsString(object));
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (String field : fields) {
      if (object.has(field)) {
        rows.add(List.of(field, text(object.get(field))));
      }
    }
    table(out, List.of("Field", "Value"), rows);
  }

  /** Prints rows of objects as a table of {@code columns}, or the array as JSON. */
  void printList(PrintWriter out, List<JsonNode> items, List<String> columns, List<String> headers)
      throws Exception {
    if (format == Format.json) {
      out.println(PRETTY.writeValueAsString(items));
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode item : items) {
      List<String> row = new ArrayList<>();
      for (String column : columns) {
        row.add(text(item.get(column)));
      }
      rows.add(row);
    }
    table(out, headers, rows);
  }

  static String text(JsonNode value) {
    if (value == null || value.isNull()) {
      return "None";
    }
    return value.isValueNode() ? value.asText() : value.toString();
  }

  private static void table(PrintWriter out, List<String> headers, List<List<String>> rows) {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < headers.size(); i++) {
      widths[i] = headers.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder rule = new StringBuilder("+");
    for (int width : widths) {
      rule.append("-".repeat(width + 2)).append('+');
    }
    out.println(rule);
    out.println(line(headers, widths));
    out.println(rule);
    for (List<String> row : rows) {
      out.println(line(row, widths));
    }
    out.println(rule);
  }

  private static String line(List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder("|");
    for (int i = 0; i < cells.size(); i++) {
      line.append(' ')
          .append(cells.get(i))
          .append(" ".repeat(widths[i] - cells.get(i).length()))
          .append(" |");
    }
    return line.toString();
  }
}
