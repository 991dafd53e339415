package io.ferrum.conductor;

import io.ferrum.conductor.internal.NodeStore;
import io.ferrum.conductor.internal.PortStore;
import io.ferrum.driver.AgentCallbackPolicy;
import io.ferrum.driver.InvalidDriverInfoException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conductor's side of a deploy ramdisk's agent: lookup and heartbeat. The agent boots on a
 * node, finds the node by its MAC addresses (or UUID) and receives a token; every heartbeat then
 * proves it with that token and says where the agent listens; a heartbeat of a node waiting for its
 * agent continues the node's deploy, cleaning, rescue or service.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>Lookup finds only nodes in a state where an agent is expected ({@link
 *       AgentRecord#AGENT_STATES}); any other outcome is the same "not found", so a caller learns
 *       nothing of other nodes.
 *   <li>The first lookup of a ramdisk run makes the token ({@value #TOKEN_BYTES} random bytes) and
 *       stores it under the node's reservation before answering; later lookups show {@link
 *       Secrets#MASK} instead. The token goes when the node reaches a state where no agent runs
 *       ({@link AgentRecord#mayRun}).
 *   <li>A heartbeat without the node's token is refused ({@link InvalidAgentTokenException}); the
 *       comparison takes the same time whatever the token. Its callback URL must pass the
 *       operator's {@link AgentCallbackPolicy}, and may not change while the agent is recorded.
 *   <li>A heartbeat of a node that is locked is refused ({@link NodeLockedException}) with nothing
 *       written: the agent sends the next one. One of a node in maintenance is recorded but does
 *       not continue the node; one of a node in no agent state is ignored.
 * </ul>
 *
 * <p>Thread-safe.
 */
final class RamdiskAgents {

  private static final Logger LOG = LoggerFactory.getLogger(RamdiskAgents.class);

  /** Random bytes in a token. */
  static final int TOKEN_BYTES = 32;

  /** Seconds the agent is told it may go without a heartbeat (Ironic's default). */
  static final long HEARTBEAT_TIMEOUT_SECONDS = 300;

  /** The most entries a lookup's address list may have. */
  static final int MAX_ADDRESSES = 256;

  /** The longest {@code agent_version} accepted. */
  static final int MAX_VERSION_LENGTH = 64;

  /** The longest {@code agent_verify_ca} accepted. */
  static final int MAX_VERIFY_CA_LENGTH = 16 * 1024;

  static final String NOT_FOUND = "Resource could not be found.";
  static final String INVALID_TOKEN = "Invalid or missing agent token received.";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final ConductorContext ctx;
  private final TaskManager tasks;
  private final AgentCallbackPolicy callbacks;
  private final Runnable requireOpen;

  RamdiskAgents(
      ConductorContext ctx,
      TaskManager tasks,
      AgentCallbackPolicy callbacks,
      Runnable requireOpen) {
    this.ctx = ctx;
    this.tasks = tasks;
    this.callbacks = callbacks;
    this.requireOpen = requireOpen;
  }

  // ---- lookup ----

  AgentLookup lookup(List<String> addresses, String nodeUuid) {
    List<String> given = addresses == null ? List.of() : addresses;
    if (given.size() > MAX_ADDRESSES) {
      throw new InvalidParameterException(
          "A lookup takes at most " + MAX_ADDRESSES + " addresses, not " + given.size());
    }
    Set<String> macs = new LinkedHashSet<>();
    int invalid = 0;
    for (String address : given) {
      String trimmed = address == null ? "" : address.trim();
      if (MacAddress.valid(trimmed)) {
        macs.add(trimmed.toLowerCase(Locale.ROOT).replace('-', ':'));
      } else {
        invalid++;
      }
    }
    if (invalid > 0) {
      LOG.warn("Lookup: {} invalid MAC address(es) ignored", invalid);
    }
    String uuid = nodeUuid == null ? null : nodeUuid.trim();
    if (uuid != null && uuid.isEmpty()) {
      uuid = null;
    }
    if (uuid != null && !ConductorContext.looksLikeUuid(uuid)) {
      throw new InvalidParameterException(
          "Expected a UUID for node_uuid: " + printable(nodeUuid, 40));
    }
    if (macs.isEmpty() && uuid == null) {
      throw new InvalidParameterException(
          "At least one of 'addresses' and 'node_uuid' parameters is required");
    }
    String wanted = uuid == null ? null : uuid.toLowerCase(Locale.ROOT);
    Node found = ctx.withHandle("look up a node for an agent", h -> find(h, macs, wanted));
    if (found == null || !AgentRecord.AGENT_STATES.contains(found.provisionState())) {
      if (found != null) {
        LOG.info(
            "Lookup: node {} is in provision state \"{}\", where no agent is expected",
            found.label(),
            found.provisionState());
      }
      throw new NodeNotFoundException(NOT_FOUND);
    }
    if (hasToken(found)) {
      return answer(found, Secrets.MASK);
    }
    try (Task task = tasks.acquire(found.uuid(), "agent lookup", LockMode.EXCLUSIVE)) {
      Node node = task.node();
      if (!AgentRecord.AGENT_STATES.contains(node.provisionState())) {
        throw new NodeNotFoundException(NOT_FOUND);
      }
      if (hasToken(node)) {
        return answer(node, Secrets.MASK);
      }
      String token = newToken();
      Map<String, Object> internal = new LinkedHashMap<>(node.driverInternalInfo());
      internal.put(AgentRecord.TOKEN, token);
      task.write("store the agent token of", Map.of("driver_internal_info", internal), null, true);
      LOG.info("Node {}: agent token issued at lookup", node.label());
      return answer(task.node(), token);
    }
  }

  /** The node the addresses and UUID name together, or {@code null}. */
  private static Node find(org.jdbi.v3.core.Handle h, Set<String> macs, String uuid) {
    List<Long> owners = PortStore.nodesWithAddresses(h, macs);
    if (uuid != null) {
      Node node = NodeStore.findByUuid(h, uuid).orElse(null);
      if (node == null) {
        return null;
      }
      for (long owner : owners) {
        if (owner != node.id()) {
          LOG.warn(
              "Lookup: an address given with node {} belongs to another node's port", node.label());
          return null;
        }
      }
      return node;
    }
    if (owners.size() != 1) {
      if (owners.size() > 1) {
        LOG.warn("Lookup: the addresses given belong to ports of {} nodes", owners.size());
      }
      return null;
    }
    return NodeStore.findById(h, owners.get(0)).orElse(null);
  }

  private static AgentLookup answer(Node node, String token) {
    return new AgentLookup(
        node.uuid(),
        new LinkedHashMap<>(node.properties()),
        Secrets.maskInstanceInfo(node.instanceInfo()),
        Secrets.mask(node.driverInternalInfo()),
        token,
        HEARTBEAT_TIMEOUT_SECONDS);
  }

  private static boolean hasToken(Node node) {
    Object token = node.driverInternalInfo().get(AgentRecord.TOKEN);
    return token instanceof String text && !text.isEmpty();
  }

  private static String newToken() {
    byte[] bytes = new byte[TOKEN_BYTES];
    RANDOM.nextBytes(bytes);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  // ---- heartbeat ----

  ActionHandle heartbeat(
      String ident, String callbackUrl, String token, String agentVersion, String verifyCa) {
    checkVersion(agentVersion);
    checkVerifyCa(verifyCa);
    Node seen = ctx.withHandle("read node " + ident, h -> ctx.find(h, ident));
    requireToken(seen, token);
    URI url;
    try {
      url = callbacks.check(callbackUrl);
    } catch (InvalidDriverInfoException e) {
      // The agent only sees a 400 and keeps trying; the operator must learn why from the log.
      LOG.warn("Heartbeat from node {} refused: {}", seen.label(), e.getMessage());
      throw new InvalidParameterException(e.getMessage(), e);
    }
    if (!AgentRecord.AGENT_STATES.contains(seen.provisionState())) {
      LOG.info(
          "Heartbeat from node {} in provision state \"{}\" ignored: no agent is expected there",
          seen.label(),
          seen.provisionState());
      return null;
    }
    try (Task task = tasks.acquire(seen.uuid(), "agent heartbeat", LockMode.EXCLUSIVE)) {
      Node node = task.node();
      requireToken(node, token);
      if (!AgentRecord.AGENT_STATES.contains(node.provisionState())) {
        LOG.info(
            "Heartbeat from node {} in provision state \"{}\" ignored",
            node.label(),
            node.provisionState());
        return null;
      }
      Object recorded = node.driverInternalInfo().get(AgentRecord.URL);
      if (recorded != null && !recorded.equals(url.toString())) {
        LOG.warn(
            "Heartbeat from node {} refused: its agent moved from {} to {}",
            node.label(),
            recorded,
            url);
        throw new InvalidParameterException("Detected change in ramdisk provided \"callback_url\"");
      }
      Map<String, Object> internal = new LinkedHashMap<>(node.driverInternalInfo());
      internal.put(AgentRecord.URL, url.toString());
      if (agentVersion == null) {
        internal.remove(AgentRecord.VERSION);
      } else {
        internal.put(AgentRecord.VERSION, agentVersion);
      }
      internal.put(AgentRecord.LAST_HEARTBEAT, ctx.now().toString());
      if (verifyCa != null) {
        internal.put(AgentRecord.VERIFY_CA, verifyCa);
      }
      Map<String, Object> columns = Map.of("driver_internal_info", internal);
      if (node.maintenance() || !AgentRecord.CONTINUED_STATES.contains(node.provisionState())) {
        task.write("record the agent heartbeat of", columns, null, true);
        return null;
      }
      requireOpen.run();
      task.spawnAfter("resume", null, columns, ProvisionFlows.work(null));
      return task.handOff();
    }
  }

  /**
   * Refuses {@code token} unless it is {@code node}'s agent token, comparing digests so the time
   * taken does not depend on where they differ.
   */
  private static void requireToken(Node node, String token) {
    Object expected = node.driverInternalInfo().get(AgentRecord.TOKEN);
    if (!(expected instanceof String stored)
        || stored.isEmpty()
        || token == null
        || !MessageDigest.isEqual(digest(stored), digest(token))) {
      LOG.warn("Heartbeat for node {} refused: invalid or missing agent token", node.label());
      throw new InvalidAgentTokenException(INVALID_TOKEN);
    }
  }

  private static byte[] digest(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static void checkVersion(String version) {
    if (version == null) {
      return;
    }
    if (version.length() > MAX_VERSION_LENGTH || !printableAscii(version)) {
      throw new InvalidParameterException(
          "agent_version must be at most "
              + MAX_VERSION_LENGTH
              + " printable ASCII characters, not \""
              + printable(version, MAX_VERSION_LENGTH)
              + "\"");
    }
  }

  private static void checkVerifyCa(String verifyCa) {
    if (verifyCa == null) {
      return;
    }
    if (verifyCa.length() > MAX_VERIFY_CA_LENGTH
        || !verifyCa.strip().startsWith("-----BEGIN CERTIFICATE-----")
        || verifyCa.chars().anyMatch(c -> (c < 0x20 && c != '\n' && c != '\r') || c > 0x7e)) {
      throw new InvalidParameterException(
          "agent_verify_ca must be a PEM certificate of at most "
              + MAX_VERIFY_CA_LENGTH
              + " characters");
    }
  }

  private static boolean printableAscii(String value) {
    return value.chars().allMatch(c -> c >= 0x20 && c <= 0x7e);
  }

  /** At most {@code limit} characters of {@code value}, control characters shown as '?'. */
  static String printable(String value, int limit) {
    List<String> out = new ArrayList<>();
    value
        .codePoints()
        .limit(limit)
        .forEach(c -> out.add(c < 0x20 || c == 0x7f ? "?" : new String(Character.toChars(c))));
    return String.join("", out) + (value.length() > limit ? "..." : "");
  }
}
