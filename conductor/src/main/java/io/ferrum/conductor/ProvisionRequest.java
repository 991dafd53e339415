package io.ferrum.conductor;

import io.ferrum.driver.Step;
import io.ferrum.fsm.ProvisionEvent;
import io.ferrum.fsm.ProvisionMachine;
import java.util.List;
import java.util.Map;

/**
 * A provision verb and what some verbs need with it.
 *
 * @param verb an Ironic API verb: {@code manage}, {@code provide}, {@code active}/{@code deploy},
 *     {@code rebuild}, {@code deleted}/{@code undeploy}, {@code inspect}, {@code clean}, {@code
 *     abort}, {@code adopt}, {@code rescue}, {@code unrescue}, {@code service}, {@code unhold}
 * @param cleanSteps required for {@code clean}; each names one of {@link #STEP_INTERFACES} and a
 *     non-empty step
 * @param serviceSteps required for {@code service}; each as a clean step
 * @param rescuePassword required for {@code rescue}
 * @param configDrive for {@code active}/{@code deploy} and {@code rebuild}: the config drive, a
 *     string (a gzipped, base64-encoded ISO image or a URL) or a map ({@code meta_data}, {@code
 *     network_data}, {@code user_data}, {@code vendor_data}), stored as {@code
 *     instance_info.configdrive} when the deploy starts and always masked when shown; {@code null}
 *     for none. Ferrum's own drivers store it only: none fetches a URL or writes it to the host.
 * @param deploySteps for {@code active}/{@code deploy} and {@code rebuild}: user deploy steps, each
 *     a map of {@code interface}, {@code step}, {@code args} and {@code priority} (checked by the
 *     caller), recorded as {@code driver_internal_info.user_deploy_steps} when the deploy starts
 *     and removed at undeploy; empty for none
 */
public record ProvisionRequest(
    String verb,
    List<Step> cleanSteps,
    List<Step> serviceSteps,
    String rescuePassword,
    Object configDrive,
    List<Map<String, Object>> deploySteps) {

  /**
   * The interfaces a clean, service or deploy step may name, as in Ironic: those whose steps it
   * collects for cleaning.
   */
  public static final java.util.SortedSet<String> STEP_INTERFACES =
      java.util.Collections.unmodifiableSortedSet(
          new java.util.TreeSet<>(
              java.util.Set.of("bios", "deploy", "management", "power", "raid")));

  /**
   * @throws InvalidParameterException for a verb that is not one of the above, a clean or service
   *     step naming another interface or no step, or a config drive that is neither a string nor a
   *     map
   */
  public ProvisionRequest {
    if (verb == null || !ProvisionMachine.VERBS.containsKey(verb)) {
      throw new InvalidParameterException(
          "Unknown provision verb \""
              + verb
              + "\"; valid verbs: "
              + String.join(", ", ProvisionMachine.VERBS.keySet()));
    }
    cleanSteps = cleanSteps == null ? List.of() : List.copyOf(cleanSteps);
    serviceSteps = serviceSteps == null ? List.of() : List.copyOf(serviceSteps);
    checkSteps("clean_steps", cleanSteps);
    checkSteps("service_steps", serviceSteps);
    if (configDrive != null && !(configDrive instanceof String) && !(configDrive instanceof Map)) {
      throw new InvalidParameterException("configdrive must be a string or a JSON object");
    }
    deploySteps = deploySteps == null ? List.of() : List.copyOf(deploySteps);
  }

  /** A request without a config drive or deploy steps. */
  public ProvisionRequest(
      String verb, List<Step> cleanSteps, List<Step> serviceSteps, String rescuePassword) {
    this(verb, cleanSteps, serviceSteps, rescuePassword, null, null);
  }

  /**
   * A request with just a verb.
   *
   * @throws InvalidParameterException for an unknown verb
   */
  public static ProvisionRequest of(String verb) {
    return new ProvisionRequest(verb, null, null, null);
  }

  /**
   * A request firing {@code event}, checked by the compiler: {@code
   * ProvisionRequest.of(ProvisionEvent.DEPLOY)}. The verb is the event's own name where the API has
   * it ({@code deploy}), else the API's verb for it ({@code delete} is {@code undeploy}).
   *
   * @throws InvalidParameterException for an event no API verb fires ({@code done}, {@code fail},
   *     ...: the conductor fires those itself)
   */
  public static ProvisionRequest of(ProvisionEvent event) {
    if (ProvisionMachine.VERBS.get(event.value()) == event) {
      return of(event.value());
    }
    for (Map.Entry<String, ProvisionEvent> verb : ProvisionMachine.VERBS.entrySet()) {
      if (verb.getValue() == event && !verb.getKey().equals("deleted")) {
        return of(verb.getKey());
      }
    }
    throw new InvalidParameterException(
        "No provision verb fires \"" + event.value() + "\": the conductor fires it itself");
  }

  /** A manual clean with {@code steps}. */
  public static ProvisionRequest clean(List<Step> steps) {
    return new ProvisionRequest("clean", steps, null, null);
  }

  /** A deploy ({@code active}) with {@code configDrive} (may be {@code null}). */
  public static ProvisionRequest deploy(Object configDrive) {
    return new ProvisionRequest("active", null, null, null, configDrive, null);
  }

  /** Whether the request brings a config drive or deploy steps to store when the deploy starts. */
  boolean hasDeployInput() {
    return configDrive != null || !deploySteps.isEmpty();
  }

  @Override
  public String toString() {
    return "ProvisionRequest["
        + verb
        + (rescuePassword == null ? "" : ", rescue password ******")
        + (configDrive == null ? "" : ", config drive ******")
        + (deploySteps.isEmpty() ? "" : ", " + deploySteps.size() + " deploy steps")
        + "]";
  }

  /**
   * Refuses a step of {@code field} that names an interface outside {@link #STEP_INTERFACES} or an
   * empty step (the value itself is not repeated: it comes from the caller).
   */
  private static void checkSteps(String field, List<Step> steps) {
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      if (!STEP_INTERFACES.contains(step.interfaceName())) {
        throw new InvalidParameterException(
            field + "[" + i + "].interface must be one of " + STEP_INTERFACES);
      }
      if (step.name().isEmpty()) {
        throw new InvalidParameterException(field + "[" + i + "].step must be a non-empty string");
      }
    }
  }
}
