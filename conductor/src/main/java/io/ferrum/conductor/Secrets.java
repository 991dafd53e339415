package io.ferrum.conductor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one rule for hiding secrets, used wherever a node's data leaves the conductor: API responses,
 * history rows, notifications and log lines. It is the rule of oslo.utils' {@code
 * mask_dict_password} and {@code mask_password}, which Ironic applies, made recursive into lists as
 * well as maps:
 *
 * <ul>
 *   <li>a value whose key contains, in any case, one of {@link #KEYS} is replaced by {@link #MASK},
 *       whatever the value is (a string, a number, a whole map);
 *   <li>any other string is masked where it reads like an assignment to such a key ({@code
 *       password=x}, {@code "token": "x"}, {@code --password x}, {@code <secret>x</secret>}, ...);
 *   <li>maps and lists are masked member by member, at any depth.
 * </ul>
 *
 * {@link #maskInstanceInfo} also hides {@code configdrive} and {@code image_url} (a temporary URL
 * is a credential), as Ironic's API does.
 *
 * <p>Stateless and thread-safe.
 */
public final class Secrets {

  /** What secrets are replaced with (Ironic's API mask). */
  public static final String MASK = "******";

  /**
   * The key fragments that mark a secret, in lower case: oslo.utils' {@code _SANITIZE_KEYS}, then
   * Ferrum's additions for keys hardware drivers use ({@code api_key}, {@code snmp_auth_key},
   * {@code snmp_priv_key}, {@code ssh_key_contents}, ...).
   */
  public static final List<String> KEYS =
      List.of(
          // oslo.utils strutils._SANITIZE_KEYS
          "adminpass",
          "admin_pass",
          "password",
          "admin_password",
          "auth_token",
          "new_pass",
          "auth_password",
          "secret_uuid",
          "secret",
          "sys_pswd",
          "token",
          "configdrive",
          "chappassword",
          "encrypted_key",
          "private_key",
          "fernetkey",
          "sslkey",
          "passphrase",
          "cephclusterfsid",
          "octaviaheartbeatkey",
          "rabbitcookie",
          "cephmanilaclientkey",
          "pacemakerremoteauthkey",
          "designaterndckey",
          "cephadminkey",
          "heatauthencryptionkey",
          "cephclientkey",
          "keystonecredential",
          "barbicansimplecryptokek",
          "cephrgwkey",
          "swifthashsuffix",
          "migrationsshkey",
          "cephmdskey",
          "cephmonkey",
          // Ferrum's additions
          "api_key",
          "apikey",
          "auth_key",
          "authkey",
          "priv_key",
          "privkey",
          "access_key",
          "key_contents",
          "passwd",
          "pswd");

  /** Longer strings that mention a key are masked whole, so masking stays linear in time. */
  private static final int MAX_SCANNED_TEXT = 64 * 1024;

  /**
   * Per key: oslo's patterns with two groups kept around the secret, then those with one group kept
   * before it, then the "wildcard" ones that drop the secret.
   */
  private static final Map<String, List<Pattern>> TWO_GROUPS = new LinkedHashMap<>();

  private static final Map<String, List<Pattern>> ONE_GROUP = new LinkedHashMap<>();
  private static final Map<String, List<Pattern>> WILDCARD = new LinkedHashMap<>();

  static {
    List<String> two =
        List.of(
            "(%s[0-9]*\\s*[=]\\s*[\"'])[^\"']*([\"'])",
            "(%s[0-9]*\\s*[=]\\s*[\"])[^\"]*([\"])",
            "(%s[0-9]*\\s*[=]\\s*['])[^']*(['])",
            "(%s[0-9]*\\s+[\"'])[^\"']*([\"'])",
            "([-]{2}%s[0-9]*\\s+)[^'\"=\\s^]+([\\s]*)",
            "(<%s[0-9]*>)[^<]*(</%s[0-9]*>)",
            "([\"']%s[0-9]*[\"']\\s*:\\s*[\"'])[^\"']*([\"'])",
            "(['\"][^\"']*%s[0-9]*['\"]\\s*:\\s*u?['\"])[^\"']*(['\"])",
            "(['\"][^'\"]*%s[0-9]*['\"]\\s*,\\s*'--?[A-z]+'\\s*,\\s*u?['\"])[^\"']*(['\"])",
            "(%s[0-9]*\\s*--?[A-z]+\\s*)\\S+(\\s*)");
    List<String> one = List.of("(%s[0-9]*\\s*[=]\\s*)[^\\s^'\"]+");
    List<String> wildcard =
        List.of("(['\"][^\"']*%s[0-9]*['\"]\\s*:\\s*u?['\"].*['\"])[^\"']*(['\"])");
    for (String key : KEYS) {
      TWO_GROUPS.put(key, compile(two, key));
      ONE_GROUP.put(key, compile(one, key));
      WILDCARD.put(key, compile(wildcard, key));
    }
  }

  private Secrets() {}

  private static List<Pattern> compile(List<String> templates, String key) {
    List<Pattern> patterns = new ArrayList<>();
    String quoted = Pattern.quote(key);
    for (String template : templates) {
      patterns.add(
          Pattern.compile(
              template.replace("%s", quoted), Pattern.CASE_INSENSITIVE | Pattern.DOTALL));
    }
    return List.copyOf(patterns);
  }

  /** Whether a value under {@code key} is a secret: the key contains one of {@link #KEYS}. */
  public static boolean isSecretKey(String key) {
    if (key == null) {
      return false;
    }
    String lower = key.toLowerCase(Locale.ROOT);
    for (String fragment : KEYS) {
      if (lower.contains(fragment)) {
        return true;
      }
    }
    return false;
  }

  /** A masked copy of {@code document} (see the class documentation); never modifies it. */
  public static Map<String, Object> mask(Map<String, ?> document) {
    if (document == null) {
      return null;
    }
    Map<String, Object> masked = new LinkedHashMap<>();
    document.forEach((key, value) -> masked.put(key, isSecretKey(key) ? MASK : maskValue(value)));
    return masked;
  }

  /**
   * A masked copy of {@code instance_info}: {@link #mask}, and {@code configdrive} and {@code
   * image_url} always hidden.
   */
  public static Map<String, Object> maskInstanceInfo(Map<String, ?> instanceInfo) {
    Map<String, Object> masked = mask(instanceInfo);
    if (masked != null) {
      for (String key : List.of("configdrive", "image_url")) {
        if (masked.get(key) != null) {
          masked.put(key, MASK);
        }
      }
    }
    return masked;
  }

  /** {@code value} masked: maps and lists member by member, strings with {@link #maskText}. */
  public static Object maskValue(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> masked = new LinkedHashMap<>();
      map.forEach(
          (key, member) -> {
            String name = String.valueOf(key);
            masked.put(name, isSecretKey(name) ? MASK : maskValue(member));
          });
      return masked;
    }
    if (value instanceof List<?> list) {
      List<Object> masked = new ArrayList<>(list.size());
      for (Object member : list) {
        masked.add(maskValue(member));
      }
      return masked;
    }
    if (value instanceof String text) {
      return maskText(text);
    }
    return value;
  }

  /**
   * Free text with secrets masked where it assigns a value to a secret key ({@code
   * password=hunter2}, {@code "token": "x"}, {@code --password x}, ...), as oslo.utils' {@code
   * mask_password} does; {@code null} stays {@code null}. A text longer than 64 KiB that mentions a
   * key is masked whole.
   */
  public static String maskText(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String lower = text.toLowerCase(Locale.ROOT);
    String result = text;
    for (String key : KEYS) {
      if (!lower.contains(key)) {
        continue;
      }
      if (text.length() > MAX_SCANNED_TEXT) {
        return MASK;
      }
      for (Pattern pattern : TWO_GROUPS.get(key)) {
        result = replace(pattern, result, true);
      }
      for (Pattern pattern : ONE_GROUP.get(key)) {
        result = replace(pattern, result, false);
      }
      for (Pattern pattern : WILDCARD.get(key)) {
        Matcher matcher = pattern.matcher(result);
        result = matcher.replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
      }
    }
    return result;
  }

  private static String replace(Pattern pattern, String text, boolean twoGroups) {
    Matcher matcher = pattern.matcher(text);
    if (!matcher.find()) {
      return text;
    }
    return matcher.replaceAll(
        m ->
            Matcher.quoteReplacement(m.group(1))
                + MASK
                + (twoGroups ? Matcher.quoteReplacement(m.group(2)) : ""));
  }
}
