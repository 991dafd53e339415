package io.ferrum.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves a setting the way {@code ferrum serve --help} documents: the command-line option, else
 * the environment variable {@code FERRUM_<NAME>} (upper case, dashes as underscores), else the
 * config file's {@code name = value} line, else the default.
 *
 * <p>The config file is read strictly: each line is blank, a {@code #} comment, or {@code name =
 * value} with a known name given once; anything else stops the start with an error naming the file
 * and line, so a typo never goes unnoticed. Values are taken as written (trimmed; no quotes or
 * escapes). Immutable.
 */
final class Settings {

  private static final Pattern LINE = Pattern.compile("([A-Za-z][A-Za-z0-9_-]*)\\s*=(.*)");

  private final Map<String, String> environment;
  private final Map<String, String> file;

  private Settings(Map<String, String> environment, Map<String, String> file) {
    this.environment = environment;
    this.file = file;
  }

  /**
   * Settings from {@code environment} and the config file {@code config} (may be {@code null}),
   * whose names must be among {@code known}.
   *
   * @throws IllegalArgumentException if the config file cannot be read, or naming its first line
   *     that is not a comment or {@code name = value} with a known name
   */
  static Settings load(Map<String, String> environment, Path config, Set<String> known) {
    Map<String, String> values = new LinkedHashMap<>();
    if (config != null) {
      List<String> lines;
      try {
        lines = Files.readAllLines(config, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read config file " + config + ": " + e.getMessage(), e);
      }
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String where = "config file " + config + " line " + (i + 1) + ": ";
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
          throw new IllegalArgumentException(
              where + "expected 'name = value' or a # comment, not '" + shown(line) + "'");
        }
        String name = m.group(1).toLowerCase(Locale.ROOT);
        if (!known.contains(name)) {
          throw new IllegalArgumentException(
              where + "unknown setting '" + shown(name) + "'; known: " + new TreeSet<>(known));
        }
        if (values.put(name, m.group(2).strip()) != null) {
          throw new IllegalArgumentException(where + "'" + name + "' is set twice");
        }
      }
    }
    return new Settings(environment, values);
  }

  /**
   * Environment variables named like Ferrum's that are not, besides the settings' own: the config
   * file, the client's connection ({@code ferrum node ...}), and the launcher's JVM options.
   */
  private static final Set<String> OTHER_VARIABLES =
      Set.of("FERRUM_CONFIG", "FERRUM_URL", "FERRUM_USER", "FERRUM_PASSWORD", "FERRUM_JAVA_OPTS");

  /**
   * The {@code FERRUM_*} variables in {@code environment} that name none of {@code known}'s
   * settings nor another variable Ferrum reads, sorted: a misspelt or outdated name would otherwise
   * be ignored without a word. Variables of Ferrum's own test and benchmark suites ({@code
   * FERRUM_TEST_*}, {@code FERRUM_BENCH_*}) are not counted.
   */
  static List<String> unknownVariables(Map<String, String> environment, Set<String> known) {
    Set<String> expected = new TreeSet<>(OTHER_VARIABLES);
    for (String name : known) {
      expected.add(variable(name));
    }
    Set<String> unknown = new TreeSet<>();
    for (String name : environment.keySet()) {
      if (name.startsWith("FERRUM_")
          && !expected.contains(name)
          && !name.startsWith("FERRUM_TEST_")
          && !name.startsWith("FERRUM_BENCH_")) {
        unknown.add(shown(name));
      }
    }
    return List.copyOf(unknown);
  }

  /** The environment variable for setting {@code name}, e.g. {@code FERRUM_DB_URL}. */
  static String variable(String name) {
    return "FERRUM_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** The value of {@code name}: option, environment, config file, default. */
  String get(String name, String option, String fallback) {
    if (option != null) {
      return option;
    }
    String env = environment.get(variable(name));
    if (env != null && !env.isBlank()) {
      return env;
    }
    String fromFile = file.get(name);
    if (fromFile != null && !fromFile.isBlank()) {
      return fromFile;
    }
    return fallback;
  }

  private static String shown(String text) {
    String printable = text.replaceAll("\\p{Cntrl}", "?");
    return printable.length() > 80 ? printable.substring(0, 80) + "..." : printable;
  }
}
