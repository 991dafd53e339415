package io.ferrum.conductor;

import java.time.Instant;
import java.util.List;

/**
 * A conductor registered in the database, as its peers see it.
 *
 * @param hostname its name
 * @param conductorGroup its conductor group ({@code ""}: the default)
 * @param alive whether it is online and its last heartbeat is within the heartbeat timeout, on the
 *     database's clock
 * @param hardwareTypes the hardware types it enables
 * @param startedAt when its current process registered
 * @param heartbeatAt its last heartbeat
 * @param createdAt when the name first registered
 */
public record ConductorInfo(
    String hostname,
    String conductorGroup,
    boolean alive,
    List<String> hardwareTypes,
    Instant startedAt,
    Instant heartbeatAt,
    Instant createdAt) {

  public ConductorInfo {
    hardwareTypes = List.copyOf(hardwareTypes);
  }
}
