package io.ferrum.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ironic's RAID schema, on the values a JSON parser or an embedder hands over. */
class RaidConfigSchemaTest {

  private static Map<String, Object> config(Map<String, Object> disk) {
    return Map.of("logical_disks", List.of(disk));
  }

  private static Map<String, Object> disk(Object size, Object level) {
    Map<String, Object> disk = new LinkedHashMap<>();
    disk.put("size_gb", size);
    disk.put("raid_level", level);
    return disk;
  }

  @Test
  void check_everyLevelAndWholeNumberKind_accepted() {
    for (String level : RaidConfigSchema.RAID_LEVELS) {
      for (Object size : List.of(1, 2L, (short) 3, new BigInteger("99999999999999999999"), "MAX")) {
        assertThatCode(() -> RaidConfigSchema.check(config(disk(size, level))))
            .as("%s %s", level, size)
            .doesNotThrowAnyException();
      }
    }
  }

  @Test
  void check_sizeThatIsNoWholeNumber_refused() {
    for (Object size : List.of(0, -1L, BigInteger.ZERO, 1.0, true, "10", List.of(1))) {
      assertThatThrownBy(() -> RaidConfigSchema.check(config(disk(size, "1"))))
          .as("%s", size)
          .isInstanceOf(InvalidRaidConfigException.class)
          .hasMessageStartingWith(
              "Invalid RAID configuration: \"logical_disks[0].size_gb\" must be a whole number");
    }
  }

  @Test
  void check_manyDisksNotRoot_accepted_twoRoots_refused() {
    Map<String, Object> notRoot = disk(1, "0");
    notRoot.put("is_root_volume", false);
    Map<String, Object> root = disk(1, "0");
    root.put("is_root_volume", true);

    assertThatCode(
            () -> RaidConfigSchema.check(Map.of("logical_disks", List.of(notRoot, notRoot, root))))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () -> RaidConfigSchema.check(Map.of("logical_disks", List.of(root, notRoot, root))))
        .hasMessageContaining("is_root_volume is true in logical_disks [0, 2]");
  }

  @Test
  void check_nullOrHostileText_refusedWithPrintableMessage() {
    assertThatThrownBy(() -> RaidConfigSchema.check(null))
        .isInstanceOf(InvalidRaidConfigException.class);
    String hostile = "x\u0000\n".repeat(100);

    assertThatThrownBy(() -> RaidConfigSchema.check(config(disk(1, hostile))))
        .isInstanceOf(InvalidRaidConfigException.class)
        .satisfies(
            e -> assertThat(e.getMessage()).doesNotContain("\n", "\u0000").hasSizeLessThan(300));
  }

  @Test
  void hardwareTypeWithoutRaid_refusesEveryCall() {
    HardwareType powerOnly =
        new HardwareType() {
          @Override
          public String name() {
            return "power-only";
          }

          @Override
          public PowerInterface power() {
            return null;
          }
        };

    assertThatThrownBy(
            () ->
                powerOnly
                    .raid()
                    .validateRaidConfig(
                        new DriverNode("u", null, "power-only", Map.of(), Map.of(), Map.of()),
                        config(disk(1, "1"))))
        .isInstanceOf(UnsupportedDriverOperationException.class)
        .hasMessageContaining("power-only has no raid interface");
  }
}
