package io.ferrum.conductor;

import io.ferrum.driver.Step;
import java.util.List;

/**
 * A provision verb and what some verbs need with it.
 *
 * @param verb an Ironic API verb: {@code manage}, {@code provide}, {@code active}/{@code deploy},
 *     {@code rebuild}, {@code deleted}/{@code undeploy}, {@code inspect}, {@code clean}, {@code
 *     abort}, {@code adopt}, {@code rescue}, {@code unrescue}, {@code service}, {@code unhold}
 * @param cleanSteps required for {@code clean}
 * @param serviceSteps required for {@code service}
 * @param rescuePassword required for {@code rescue}
 */
public record ProvisionRequest(
    String verb, List<Step> cleanSteps, List<Step> serviceSteps, String rescuePassword) {

  public ProvisionRequest {
    cleanSteps = cleanSteps == null ? List.of() : List.copyOf(cleanSteps);
    serviceSteps = serviceSteps == null ? List.of() : List.copyOf(serviceSteps);
  }

  /** A request with just a verb. */
  public static ProvisionRequest of(String verb) {
    return new ProvisionRequest(verb, null, null, null);
  }

  /** A manual clean with {@code steps}. */
  public static ProvisionRequest clean(List<Step> steps) {
    return new ProvisionRequest("clean", steps, null, null);
  }

  @Override
  public String toString() {
    return "ProvisionRequest["
        + verb
        + (rescuePassword == null ? "" : ", rescue password ******")
        + "]";
  }
}
