package io.ferrum.driver;

import java.util.Map;

/**
 * A machine's RAID configuration (Ironic's RAID interface). The conductor stores a node's target
 * RAID configuration once this interface accepts it ({@link #validateRaidConfig}); no flow of
 * Ferrum applies it to hardware yet, so a node's current {@code raid_config} stays empty.
 *
 * <p>A hardware type that offers only Ironic's {@code no-raid} implementation has none: the
 * conductor refuses a target configuration for its nodes without calling this interface.
 */
public interface RaidInterface extends HardwareInterface {

  /**
   * Checks a non-empty target RAID configuration for {@code node}, without touching hardware. The
   * default checks it against Ironic's RAID schema ({@link RaidConfigSchema#check}); an
   * implementation that needs more may check more, never less.
   *
   * @throws InvalidRaidConfigException naming the field that breaks a rule
   */
  default void validateRaidConfig(DriverNode node, Map<String, Object> config) {
    RaidConfigSchema.check(config);
  }
}
