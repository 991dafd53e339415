package io.ferrum.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferrum.fsm.export.ExportFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The provision machine, read back from its own JSON export, equals Ironic's tables (copies of the
 * reference tables kept under {@code src/test/resources/spec}).
 */
class ProvisionMachineConformanceTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void jsonExport_transitions_equalIronicTable() throws IOException {
    JsonNode doc = JSON.readTree(ExportFormat.JSON.write(ProvisionMachine.DEFINITION));
    List<List<String>> exported = new ArrayList<>();
    for (JsonNode t : doc.get("transitions")) {
      exported.add(List.of(t.get("from").asText(), t.get("event").asText(), t.get("to").asText()));
    }
    List<List<String>> spec = tsv("spec/ironic-provision-fsm.tsv");

    assertThat(spec).hasSize(93);
    assertThat(exported).containsExactlyElementsOf(spec);
  }

  @Test
  void jsonExport_states_equalIronicTable() throws IOException {
    JsonNode doc = JSON.readTree(ExportFormat.JSON.write(ProvisionMachine.DEFINITION));
    Set<List<String>> exported = new HashSet<>();
    for (JsonNode s : doc.get("states")) {
      exported.add(
          List.of(
              s.get("name").asText(),
              s.get("stable").asBoolean() ? "stable" : "transient",
              s.get("target").isNull() ? "" : s.get("target").asText()));
    }
    Set<List<String>> spec = new HashSet<>();
    String initial = null;
    for (List<String> row : tsv("spec/ironic-provision-states.tsv")) {
      spec.add(List.of(row.get(0), row.get(1), row.get(2)));
      if (row.size() > 3 && row.get(3).equals("yes")) {
        initial = row.get(0);
      }
    }

    assertThat(spec).hasSize(30);
    assertThat(exported).isEqualTo(spec);
    assertThat(doc.get("initial_state").asText()).isEqualTo(initial).isEqualTo("enroll");
  }

  @Test
  void enums_matchTheDefinition() {
    for (ProvisionState state : ProvisionState.values()) {
      StateSpec spec = ProvisionMachine.DEFINITION.state(state.value()).orElseThrow();
      assertThat(spec.stable()).as(state.value()).isEqualTo(state.isStable());
      assertThat(spec.declaredTarget()).isEqualTo(state.target().map(ProvisionState::value));
      assertThat(state.value().length())
          .as("fits Ironic's 15-character column")
          .isLessThanOrEqualTo(15);
    }
    assertThat(ProvisionMachine.DEFINITION.states()).hasSize(ProvisionState.values().length);
    Set<String> events = new HashSet<>();
    for (ProvisionEvent event : ProvisionEvent.values()) {
      events.add(event.value());
    }
    assertThat(ProvisionMachine.DEFINITION.events()).containsExactlyInAnyOrderElementsOf(events);
  }

  @Test
  void verbs_mapToEventsTheMachineUses() {
    assertThat(ProvisionMachine.eventForVerb("active")).contains(ProvisionEvent.DEPLOY);
    assertThat(ProvisionMachine.eventForVerb("deleted")).contains(ProvisionEvent.DELETE);
    assertThat(ProvisionMachine.eventForVerb("undeploy")).contains(ProvisionEvent.DELETE);
    assertThat(ProvisionMachine.eventForVerb("done")).as("internal events are no verbs").isEmpty();
    assertThat(ProvisionMachine.VERBS).hasSize(15);
  }

  @Test
  void stateGroups_areIronics() {
    assertThat(ProvisionMachine.FAILURE_STATES)
        .allSatisfy(s -> assertThat(s.value()).endsWith(" failed"))
        .hasSize(7);
    assertThat(ProvisionMachine.STABLE_STATES)
        .containsExactlyInAnyOrder(
            ProvisionState.ENROLL,
            ProvisionState.MANAGEABLE,
            ProvisionState.AVAILABLE,
            ProvisionState.ACTIVE,
            ProvisionState.ERROR,
            ProvisionState.RESCUE);
    // Every stuck or waiting state must have a fail edge, or recovery could not move it.
    for (ProvisionState state : ProvisionMachine.STUCK_STATES_TREATED_AS_FAIL) {
      assertThat(ProvisionMachine.DEFINITION.transition(state.value(), "fail"))
          .as(state.value())
          .isPresent();
    }
    for (ProvisionState state : ProvisionMachine.WAIT_STATES) {
      assertThat(ProvisionMachine.DEFINITION.transition(state.value(), "fail"))
          .as(state.value())
          .isPresent();
    }
  }

  @Test
  void unstableStates_areIronicsByName() {
    // Ironic's UNSTABLE_STATES, by the names the API shows: the states a node leaves without a
    // request. Provision notifications use this set to tell "start" and "end" apart.
    Set<String> ironic =
        Set.of(
            "deploying",
            "wait call-back",
            "cleaning",
            "clean wait",
            "verifying",
            "deleting",
            "inspecting",
            "inspect wait",
            "adopting",
            "rescuing",
            "rescue wait",
            "unrescuing",
            "servicing",
            "service wait");
    Set<String> ours = new HashSet<>();
    for (ProvisionState state : ProvisionMachine.UNSTABLE_STATES) {
      ours.add(state.value());
    }
    assertThat(ours).containsExactlyInAnyOrderElementsOf(ironic);
    assertThat(ProvisionMachine.UNSTABLE_STATES)
        .as("no state is both stable and unstable")
        .doesNotContainAnyElementsOf(ProvisionMachine.STABLE_STATES)
        .as("a state that fails on a conductor restart is one the conductor leaves on its own")
        .containsAll(ProvisionMachine.STUCK_STATES_TREATED_AS_FAIL)
        .as("a state waiting for a callback is left without a request")
        .containsAll(ProvisionMachine.WAIT_STATES);
  }

  static List<List<String>> tsv(String resource) throws IOException {
    try (InputStream in =
        ProvisionMachineConformanceTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
      List<List<String>> rows = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        if (!lines[i].isBlank()) {
          rows.add(List.of(lines[i].split("\t", -1)));
        }
      }
      return rows;
    }
  }
}
