package io.ferrum.driver.agent;

import io.ferrum.driver.AgentCallbackPolicy;
import io.ferrum.driver.DriverSettings;
import io.ferrum.driver.ImageSourcePolicy;
import io.ferrum.driver.InvalidDriverInfoException;
import java.nio.file.Path;

/**
 * The operator's settings the agent-based interfaces read, checked once when the hardware type is
 * configured:
 *
 * <ul>
 *   <li>{@value #HTTPBOOT_DIR}: the absolute directory {@link IpxeBoot} writes iPXE scripts into;
 *       the operator's HTTP server serves it to machines. No default: without it no node can boot
 *       the deploy ramdisk.
 *   <li>{@value #API_URL}: the URL the ramdisk's agent reaches Ferrum's API at ({@code ipa-api-url}
 *       on the kernel command line); {@code http} or {@code https}, and only characters {@link
 *       IpxeScript#checkUrl} allows. No default.
 *   <li>{@value AgentCallbackPolicy#ALLOWED_NETWORKS}: where agents may be reached ({@link
 *       AgentCallbackPolicy}).
 *   <li>the image allowlists of {@link ImageSourcePolicy}.
 * </ul>
 *
 * @param httpbootDir the directory, or {@code null} when not set
 * @param apiUrl the API URL, or {@code null} when not set
 * @param callbacks where agents may be reached
 * @param images where images may come from
 */
public record AgentSettings(
    Path httpbootDir, String apiUrl, AgentCallbackPolicy callbacks, ImageSourcePolicy images) {

  /** Setting: the directory iPXE scripts are written into. */
  public static final String HTTPBOOT_DIR = "httpboot-dir";

  /** Setting: the URL of Ferrum's API as the deploy ramdisk reaches it. */
  public static final String API_URL = "agent-api-url";

  /**
   * The settings {@code settings} describe.
   *
   * @throws IllegalArgumentException naming a setting whose value cannot be used
   */
  public static AgentSettings from(DriverSettings settings) {
    String dir = settings.get(HTTPBOOT_DIR, null);
    Path path = null;
    if (dir != null && !dir.isBlank()) {
      dir = dir.trim();
      path = Path.of(dir);
      if (!path.isAbsolute()
          || !path.normalize().equals(path)
          || dir.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        throw new IllegalArgumentException(
            HTTPBOOT_DIR + ": \"" + dir + "\" is not an absolute, normalized directory");
      }
    }
    String api = settings.get(API_URL, null);
    if (api != null && !api.isBlank()) {
      api = api.trim();
      try {
        IpxeScript.checkUrl(API_URL, api);
      } catch (InvalidDriverInfoException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    } else {
      api = null;
    }
    return new AgentSettings(
        path, api, AgentCallbackPolicy.from(settings), ImageSourcePolicy.from(settings));
  }
}
