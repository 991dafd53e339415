package io.ferrum.driver;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The operator's allowlist for image sources: where the images a node's documents name (for example
 * {@code instance_info.image_source}) may come from. A source is one of
 *
 * <ul>
 *   <li>an absolute path, allowed inside a directory of {@value #ALLOWED_DIRS} (default {@code
 *       /var/lib/ferrum/images}); the path must be normalized: no {@code .} or {@code ..} segment,
 *       no empty segment, no control character;
 *   <li>a storage volume as {@code POOL/VOLUME}, allowed in a pool of {@value #ALLOWED_POOLS}
 *       (default: none);
 *   <li>a URL, allowed when its scheme is in {@value #ALLOWED_URL_SCHEMES} (default: none; {@code
 *       file} is never a URL scheme here: local files go through the directories).
 * </ul>
 *
 * Anything else is refused. Directories are trusted as a whole: the operator keeps them writable
 * only by people allowed to choose images (a symbolic link inside one is followed by whoever opens
 * the image).
 *
 * <p>Immutable and thread-safe.
 */
public final class ImageSourcePolicy {

  /** Setting: comma-separated absolute directories local image files may be in. */
  public static final String ALLOWED_DIRS = "image-allowed-dirs";

  /** Setting: comma-separated storage pool names volumes may be taken from. */
  public static final String ALLOWED_POOLS = "image-allowed-pools";

  /** Setting: comma-separated URL schemes images may be fetched with (e.g. {@code https}). */
  public static final String ALLOWED_URL_SCHEMES = "image-allowed-url-schemes";

  /** Where local images may be by default. */
  public static final List<String> DEFAULT_DIRS = List.of("/var/lib/ferrum/images");

  private static final int MAX_LENGTH = 4096;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]{0,254}");
  private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]{0,31}");

  /** What kind of source a value is. */
  public enum Kind {
    /** An absolute path of a local file. */
    PATH,
    /** A storage volume, {@code POOL/VOLUME}. */
    VOLUME,
    /** A URL. */
    URL
  }

  /**
   * An allowed image source.
   *
   * @param kind what it is
   * @param value the value as given
   * @param pool for a volume, the pool; else {@code null}
   * @param volume for a volume, the volume's name; else {@code null}
   */
  public record Source(Kind kind, String value, String pool, String volume) {}

  private final List<String> dirs;
  private final List<String> pools;
  private final List<String> schemes;

  private ImageSourcePolicy(List<String> dirs, List<String> pools, List<String> schemes) {
    this.dirs = List.copyOf(dirs);
    this.pools = List.copyOf(pools);
    this.schemes = List.copyOf(schemes);
  }

  /** The defaults: files in {@code /var/lib/ferrum/images}, no volumes, no URLs. */
  public static ImageSourcePolicy defaults() {
    return from(DriverSettings.none());
  }

  /**
   * The policy the operator's settings describe.
   *
   * @throws IllegalArgumentException naming a setting whose value is not a list of absolute
   *     normalized directories, pool names or URL schemes
   */
  public static ImageSourcePolicy from(DriverSettings settings) {
    List<String> dirs = settings.list(ALLOWED_DIRS, DEFAULT_DIRS);
    for (String dir : dirs) {
      if (!dir.equals("/") && (!dir.startsWith("/") || !isNormalized(dir) || dir.endsWith("/"))) {
        throw new IllegalArgumentException(
            ALLOWED_DIRS + ": \"" + dir + "\" is not an absolute, normalized directory");
      }
    }
    List<String> pools = settings.list(ALLOWED_POOLS, List.of());
    for (String pool : pools) {
      if (!NAME.matcher(pool).matches()) {
        throw new IllegalArgumentException(
            ALLOWED_POOLS + ": \"" + pool + "\" is not a storage pool name");
      }
    }
    List<String> schemes =
        settings.list(ALLOWED_URL_SCHEMES, List.of()).stream()
            .map(s -> s.toLowerCase(Locale.ROOT))
            .toList();
    for (String scheme : schemes) {
      if (!SCHEME.matcher(scheme).matches() || scheme.equals("file")) {
        throw new IllegalArgumentException(
            ALLOWED_URL_SCHEMES
                + ": \""
                + scheme
                + "\" is not a URL scheme that can be allowed (local files go through "
                + ALLOWED_DIRS
                + ")");
      }
    }
    return new ImageSourcePolicy(dirs, pools, schemes);
  }

  /**
   * Checks {@code value}, found at {@code field} (e.g. {@code instance_info.image_source}).
   *
   * @return the allowed source
   * @throws InvalidDriverInfoException naming the field, the rule and the setting that allows it
   */
  public Source check(String field, Object value) {
    if (!(value instanceof String text) || text.isBlank()) {
      throw new InvalidDriverInfoException(field + " must be a non-empty string");
    }
    if (text.length() > MAX_LENGTH || hasControlCharacter(text)) {
      throw refused(field, text, "it is longer than " + MAX_LENGTH + " or has control characters");
    }
    if (text.startsWith("/")) {
      if (!isNormalized(text)) {
        throw refused(
            field, text, "a path must be absolute and normalized (no \".\", \"..\" or \"//\")");
      }
      for (String dir : dirs) {
        if (dir.equals("/") || text.startsWith(dir + "/")) {
          return new Source(Kind.PATH, text, null, null);
        }
      }
      throw refused(
          field,
          text,
          "it is not inside a directory of "
              + ALLOWED_DIRS
              + " "
              + shown(dirs)
              + "; "
              + howToAllow(ALLOWED_DIRS, "a directory"));
    }
    if (text.contains("://")) {
      return url(field, text);
    }
    int slash = text.indexOf('/');
    if (slash > 0
        && NAME.matcher(text.substring(0, slash)).matches()
        && NAME.matcher(text.substring(slash + 1)).matches()) {
      String pool = text.substring(0, slash);
      if (!pools.contains(pool)) {
        throw refused(
            field,
            text,
            "storage pool \""
                + pool
                + "\" is not in "
                + ALLOWED_POOLS
                + " "
                + shown(pools)
                + "; "
                + howToAllow(ALLOWED_POOLS, "a pool"));
      }
      return new Source(Kind.VOLUME, text, pool, text.substring(slash + 1));
    }
    throw refused(
        field, text, "an image source is an absolute path, POOL/VOLUME, or a URL (scheme://...)");
  }

  private Source url(String field, String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw refused(field, text, "it is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!schemes.contains(scheme)) {
      throw refused(
          field,
          text,
          "URL scheme \""
              + scheme
              + "\" is not in "
              + ALLOWED_URL_SCHEMES
              + " "
              + shown(schemes)
              + "; "
              + howToAllow(ALLOWED_URL_SCHEMES, "a scheme"));
    }
    if (uri.getHost() == null) {
      throw refused(field, text, "a URL needs a host");
    }
    return new Source(Kind.URL, text, null, null);
  }

  /** Whether an absolute path has no empty, "." or ".." segment. */
  private static boolean isNormalized(String path) {
    String[] segments = path.substring(1).split("/", -1);
    for (String segment : segments) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasControlCharacter(String text) {
    return text.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
  }

  private static String shown(List<String> items) {
    return items.isEmpty() ? "(empty)" : "(" + String.join(", ", items) + ")";
  }

  private static String howToAllow(String setting, String what) {
    return DriverSettings.howToAllow(setting, what);
  }

  private static InvalidDriverInfoException refused(String field, String value, String why) {
    return InvalidDriverInfoException.notAllowed(field, value, why);
  }

  @Override
  public String toString() {
    return "ImageSourcePolicy[dirs=" + dirs + ", pools=" + pools + ", schemes=" + schemes + "]";
  }
}
