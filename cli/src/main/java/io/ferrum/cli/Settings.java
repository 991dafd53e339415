package io.ferrum.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Resolves a setting the way {@code ferrum serve --help} documents: the command-line option, else
 * the environment variable {@code FERRUM_<NAME>} (upper case, dashes as underscores), else the
 * config file's {@code name = value} line, else the default. Immutable.
 */
final class Settings {

  private final Map<String, String> environment;
  private final Properties file;

  private Settings(Map<String, String> environment, Properties file) {
    this.environment = environment;
    this.file = file;
  }

  /**
   * Settings from {@code environment} and the config file {@code config} (may be {@code null}).
   *
   * @throws IllegalArgumentException if the config file cannot be read
   */
  static Settings load(Map<String, String> environment, Path config) {
    Properties properties = new Properties();
    if (config != null) {
      try (Reader reader = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
        properties.load(reader);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "Cannot read config file " + config + ": " + e.getMessage(), e);
      }
    }
    return new Settings(environment, properties);
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
    String fromFile = file.getProperty(name);
    if (fromFile != null && !fromFile.isBlank()) {
      return fromFile.trim();
    }
    return fallback;
  }
}
