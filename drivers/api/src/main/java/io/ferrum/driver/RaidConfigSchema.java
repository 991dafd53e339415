package io.ferrum.driver;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Ironic's rules for a target RAID configuration, as its RAID schema states them. Stateless and
 * thread-safe.
 *
 * <p>A configuration is an object with exactly one field, {@code logical_disks}: an array of at
 * least one logical disk. A logical disk is an object that needs {@code raid_level} (one of {@link
 * #RAID_LEVELS}) and {@code size_gb} (a whole number of at least 1, or {@code "MAX"} for the rest
 * of the space), and may have {@code volume_name} (a string), {@code is_root_volume} and {@code
 * share_physical_disks} (booleans), {@code disk_type} ({@code hdd} or {@code ssd}), {@code
 * interface_type} ({@code sata}, {@code scsi} or {@code sas}), {@code number_of_physical_disks} (a
 * whole number of at least 1), {@code controller} (a string) and {@code physical_disks} (an array
 * of strings, or of at least two objects; it needs {@code controller}); nothing else. At most one
 * logical disk is the root volume.
 */
public final class RaidConfigSchema {

  /** The RAID levels a logical disk may ask for, as strings. */
  public static final List<String> RAID_LEVELS =
      List.of("JBOD", "0", "1", "2", "5", "6", "1+0", "5+0", "6+0");

  /** Every field a logical disk may have. */
  public static final Set<String> LOGICAL_DISK_FIELDS =
      new TreeSet<>(
          Set.of(
              "raid_level",
              "size_gb",
              "volume_name",
              "is_root_volume",
              "share_physical_disks",
              "disk_type",
              "interface_type",
              "number_of_physical_disks",
              "controller",
              "physical_disks"));

  /**
   * What each field of a logical disk means, as {@code GET
   * /v1/drivers/{driver}/raid/logical_disk_properties} shows it; a required field's description
   * ends with "Required.". Every key is in {@link #LOGICAL_DISK_FIELDS}.
   */
  public static final Map<String, String> LOGICAL_DISK_PROPERTIES = logicalDiskProperties();

  private static Map<String, String> logicalDiskProperties() {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    out.put(
        "raid_level",
        "The RAID level of the logical disk, one of "
            + String.join(", ", RAID_LEVELS)
            + ". Required.");
    out.put(
        "size_gb",
        "The size of the logical disk in GiB, a whole number of at least 1, or \"MAX\" for the"
            + " space left on the chosen physical disks. Required.");
    out.put(
        "volume_name",
        "A name for the volume, if the controller lets volumes have names. Optional.");
    out.put(
        "is_root_volume",
        "Whether the logical disk holds the root file system; at most one logical disk may say so."
            + " Optional.");
    out.put(
        "share_physical_disks",
        "Whether the logical disk may share physical disks with other logical disks. Optional.");
    out.put("disk_type", "The kind of physical disks to build it on: hdd or ssd. Optional.");
    out.put(
        "interface_type",
        "The interface of the physical disks to build it on: sata, scsi or sas. Optional.");
    out.put(
        "number_of_physical_disks",
        "How many physical disks to build it on, a whole number of at least 1. Optional.");
    out.put(
        "controller", "The RAID controller to build it on, as the hardware names it. Optional.");
    out.put(
        "physical_disks",
        "The physical disks to build it on, as the hardware names them; given with controller."
            + " Optional.");
    return java.util.Collections.unmodifiableMap(out);
  }

  private static final String PREFIX = "Invalid RAID configuration: ";

  private RaidConfigSchema() {}

  /**
   * Checks {@code config} against the rules above; the first broken rule is reported.
   *
   * @throws InvalidRaidConfigException naming the field (as {@code logical_disks[0].size_gb}) and
   *     the rule it breaks
   */
  public static void check(Map<String, Object> config) {
    if (config == null) {
      throw invalid("the configuration must be a JSON object");
    }
    for (String key : config.keySet()) {
      if (!key.equals("logical_disks")) {
        throw invalid(
            "unknown field " + show(key) + "; a configuration has only \"logical_disks\"");
      }
    }
    Object disks = config.get("logical_disks");
    if (!(disks instanceof List<?> list) || list.isEmpty()) {
      throw invalid("\"logical_disks\" must be an array of at least one logical disk");
    }
    List<Integer> roots = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String at = "logical_disks[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?> disk)) {
        throw invalid("\"" + at + "\" must be a JSON object");
      }
      checkDisk(at, disk);
      if (Boolean.TRUE.equals(disk.get("is_root_volume"))) {
        roots.add(i);
      }
    }
    if (roots.size() > 1) {
      throw invalid(
          "at most one logical disk may be the root volume; is_root_volume is true in logical_disks "
              + roots);
    }
  }

  private static void checkDisk(String at, Map<?, ?> disk) {
    for (Object key : disk.keySet()) {
      if (!LOGICAL_DISK_FIELDS.contains(key)) {
        throw invalid(
            "\""
                + at
                + "\" has an unknown field "
                + show(key)
                + "; allowed: "
                + String.join(", ", LOGICAL_DISK_FIELDS));
      }
    }
    for (String required : List.of("raid_level", "size_gb")) {
      if (!disk.containsKey(required)) {
        throw invalid("\"" + at + "\" needs \"" + required + "\"");
      }
    }
    Object level = disk.get("raid_level");
    if (!(level instanceof String name) || !RAID_LEVELS.contains(name)) {
      throw invalid(
          field(at, "raid_level")
              + " must be one of "
              + String.join(", ", RAID_LEVELS)
              + " (a string), not "
              + show(level));
    }
    Object size = disk.get("size_gb");
    if (!"MAX".equals(size) && !positiveWholeNumber(size)) {
      throw invalid(
          field(at, "size_gb")
              + " must be a whole number of at least 1 or \"MAX\", not "
              + show(size));
    }
    for (String flag : List.of("is_root_volume", "share_physical_disks")) {
      if (disk.containsKey(flag) && !(disk.get(flag) instanceof Boolean)) {
        throw invalid(field(at, flag) + " must be true or false, not " + show(disk.get(flag)));
      }
    }
    for (String text : List.of("volume_name", "controller")) {
      if (disk.containsKey(text) && !(disk.get(text) instanceof String)) {
        throw invalid(field(at, text) + " must be a string, not " + show(disk.get(text)));
      }
    }
    oneOf(at, disk, "disk_type", List.of("hdd", "ssd"));
    oneOf(at, disk, "interface_type", List.of("sata", "scsi", "sas"));
    if (disk.containsKey("number_of_physical_disks")
        && !positiveWholeNumber(disk.get("number_of_physical_disks"))) {
      throw invalid(
          field(at, "number_of_physical_disks")
              + " must be a whole number of at least 1, not "
              + show(disk.get("number_of_physical_disks")));
    }
    if (disk.containsKey("physical_disks")) {
      if (!physicalDisks(disk.get("physical_disks"))) {
        throw invalid(
            field(at, "physical_disks")
                + " must be an array of strings, or of at least two objects");
      }
      if (!disk.containsKey("controller")) {
        throw invalid(field(at, "physical_disks") + " needs " + field(at, "controller"));
      }
    }
  }

  private static void oneOf(String at, Map<?, ?> disk, String name, List<String> allowed) {
    if (disk.containsKey(name)
        && !(disk.get(name) instanceof String value && allowed.contains(value))) {
      throw invalid(
          field(at, name)
              + " must be one of "
              + String.join(", ", allowed)
              + ", not "
              + show(disk.get(name)));
    }
  }

  /** An array of strings (any number), or of at least two objects. */
  private static boolean physicalDisks(Object value) {
    if (!(value instanceof List<?> list)) {
      return false;
    }
    if (list.stream().allMatch(String.class::isInstance)) {
      return true;
    }
    return list.size() >= 2 && list.stream().allMatch(Map.class::isInstance);
  }

  /** A JSON integer (not a fraction, not a boolean) of at least 1. */
  private static boolean positiveWholeNumber(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      return ((Number) value).longValue() >= 1;
    }
    if (value instanceof BigInteger big) {
      return big.signum() > 0;
    }
    return false;
  }

  private static String field(String at, String name) {
    return "\"" + at + "." + name + "\"";
  }

  /**
   * {@code value} for a message: a string quoted (at most 100 characters, no control characters), a
   * number or boolean as it is, an array or object by its kind.
   */
  private static String show(Object value) {
    if (value instanceof List<?>) {
      return "an array";
    }
    if (value instanceof Map<?, ?>) {
      return "an object";
    }
    String text = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    if (text.length() > 100) {
      text = text.substring(0, 100) + "...";
    }
    return text.replaceAll("\\p{Cntrl}", "?");
  }

  private static InvalidRaidConfigException invalid(String message) {
    return new InvalidRaidConfigException(PREFIX + message);
  }
}
