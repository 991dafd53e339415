package io.ferrum.conductor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which names a trait may have, as Ironic checks them: a standard name of the os-traits library
 * (the list ships in {@code os-traits.txt} beside this class) or a custom one, {@code CUSTOM_}
 * followed by upper-case letters, digits and underscores; at most 255 characters. Thread-safe.
 */
final class TraitNames {

  /** The most traits a node may have (Ironic's limit). */
  static final int MAX_PER_NODE = 50;

  private static final int MAX_LENGTH = 255;
  private static final Pattern CUSTOM = Pattern.compile("CUSTOM_[A-Z0-9_]+");
  private static final Set<String> STANDARD = load();

  private TraitNames() {}

  /**
   * Checks {@code trait}.
   *
   * @throws InvalidParameterException naming it when it is neither standard nor custom
   */
  static void check(String trait) {
    if (trait == null
        || trait.length() > MAX_LENGTH
        || !(STANDARD.contains(trait) || CUSTOM.matcher(trait).matches())) {
      throw new InvalidParameterException(
          "Invalid trait \""
              + (trait == null ? "null" : trait)
              + "\": a trait is a standard name of os-traits or CUSTOM_ followed by upper-case"
              + " letters, digits and underscores, at most "
              + MAX_LENGTH
              + " characters");
    }
  }

  private static Set<String> load() {
    Set<String> names = new HashSet<>();
    try (InputStream in = TraitNames.class.getResourceAsStream("os-traits.txt")) {
      if (in == null) {
        throw new IllegalStateException("os-traits.txt is missing from the conductor's jar");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        String name = line.trim();
        if (!name.isEmpty() && !name.startsWith("#")) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read os-traits.txt", e);
    }
    return Set.copyOf(names);
  }
}
