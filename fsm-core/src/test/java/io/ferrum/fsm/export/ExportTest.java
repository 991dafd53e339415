package io.ferrum.fsm.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.fsm.MachineDefinition;
import io.ferrum.fsm.MachineDefinitionException;
import io.ferrum.fsm.PowerMachine;
import io.ferrum.fsm.ProvisionMachine;
import io.ferrum.fsm.TransitionAction;
import org.junit.jupiter.api.Test;

class ExportTest {

  private static final MachineDefinition SMALL =
      MachineDefinition.builder("tiny \"one\"")
          .stableState("idle")
          .transientState("wait call-back", "idle")
          .initialState("idle")
          .transition("idle", "go", "wait call-back", TransitionAction.named("work"))
          .transition("wait call-back", "done", "idle")
          .build();

  @Test
  void json_small_isExact() {
    assertThat(MachineJson.write(SMALL))
        .isEqualTo(
            """
            {
              "name": "tiny \\"one\\"",
              "initial_state": "idle",
              "states": [
                {"name": "idle", "stable": true, "target": null},
                {"name": "wait call-back", "stable": false, "target": "idle"}
              ],
              "transitions": [
                {"from": "idle", "event": "go", "to": "wait call-back", "action": "work"},
                {"from": "wait call-back", "event": "done", "to": "idle", "action": null}
              ]
            }
            """);
  }

  @Test
  void dot_small_isExact() {
    assertThat(DotExport.write(SMALL))
        .isEqualTo(
            """
            digraph "tiny \\"one\\"" {
              rankdir=LR;
              node [shape=box, style=rounded, fontname="Helvetica"];
              edge [fontname="Helvetica", fontsize=10];
              "__initial__" [shape=point, label=""];
              "idle" [style="rounded,bold"];
              "wait call-back" [style="rounded,dashed", label="wait call-back\\n(target: idle)"];
              "__initial__" -> "idle";
              "idle" -> "wait call-back" [label="go / work"];
              "wait call-back" -> "idle" [label="done"];
            }
            """);
  }

  @Test
  void mermaid_small_isExact() {
    assertThat(MermaidExport.write(SMALL))
        .isEqualTo(
            """
            stateDiagram-v2
              classDef transient stroke-dasharray: 5 5
              state "idle" as s_idle
              state "wait call-back" as s_wait_call_back
              [*] --> s_idle
              s_idle --> s_wait_call_back : go
              s_wait_call_back --> s_idle : done
              class s_wait_call_back transient
            """);
  }

  @Test
  void mermaid_namesThatCollideAfterCleaning_getDistinctIds() {
    MachineDefinition definition =
        MachineDefinition.builder("m")
            .stableState("a b")
            .stableState("a-b")
            .initialState("a b")
            .transition("a b", "x:y", "a-b")
            .transition("a-b", "back", "a b")
            .build();

    String mermaid = MermaidExport.write(definition);

    assertThat(mermaid)
        .contains("state \"a b\" as s_a_b\n", "state \"a-b\" as s_a_b_2\n")
        .contains("s_a_b --> s_a_b_2 : x#58;y\n");
  }

  @Test
  void exports_areDeterministic() {
    for (ExportFormat format : ExportFormat.values()) {
      assertThat(format.write(ProvisionMachine.DEFINITION))
          .isEqualTo(format.write(ProvisionMachine.DEFINITION));
    }
    assertThat(ExportFormat.DOT.write(ProvisionMachine.DEFINITION))
        .contains("\"available\" -> \"deploying\" [label=\"deploy / deploy\"];");
    assertThat(ExportFormat.MERMAID.write(PowerMachine.DEFINITION))
        .contains("[*] --> s_none", "s_power_on --> s_soft_power_off : soft power off");
  }

  @Test
  void exportFormat_fromName_anyCase() {
    assertThat(ExportFormat.fromName("Mermaid")).contains(ExportFormat.MERMAID);
    assertThat(ExportFormat.fromName("svg")).isEmpty();
    assertThat(ExportFormat.JSON).hasToString("json");
  }

  @Test
  void read_malformedDocuments_sayWhatIsWrong() {
    assertThatThrownBy(() -> MachineJson.read("{\"name\": "))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine JSON: invalid JSON at offset 9: expected a value");
    assertThatThrownBy(() -> MachineJson.read("[]"))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine JSON: the document must be a JSON object");
    assertThatThrownBy(() -> MachineJson.read("{\"name\": 3}"))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine JSON: the document.name must be a string");
    assertThatThrownBy(
            () ->
                MachineJson.read(
                    "{\"name\": \"m\", \"initial_state\": \"a\", \"states\": [{\"name\": \"a\"}],"
                        + " \"transitions\": []}"))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine JSON: states[0].stable must be true or false");
    assertThatThrownBy(
            () ->
                MachineJson.read(
                    "{\"name\": \"m\", \"initial_state\": \"a\", \"states\": [{\"name\": \"a\","
                        + " \"stable\": true, \"target\": \"a\"}], \"transitions\": {}}"))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine JSON: states[0]: stable state \"a\" cannot have a target");
    assertThatThrownBy(
            () ->
                MachineJson.read(
                    "{\"name\": \"m\", \"initial_state\": \"a\", \"states\": [{\"name\": \"a\","
                        + " \"stable\": true, \"target\": null}], \"transitions\": {}}"))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine JSON: \"transitions\" must be a JSON array");
  }

  @Test
  void read_validJsonDescribingABadMachine_reportsTheDefinitionError() {
    String json =
        "{\"name\": \"m\", \"initial_state\": \"a\", \"states\": [{\"name\": \"a\", \"stable\":"
            + " true, \"target\": null}], \"transitions\": [{\"from\": \"a\", \"event\": \"e\","
            + " \"to\": \"b\", \"action\": null}]}";

    assertThatThrownBy(() -> MachineJson.read(json))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine \"m\": transition a --e--> b names unknown state \"b\"");
  }

  @Test
  void read_escapesAndUnicode_roundTrip() {
    MachineDefinition definition =
        MachineDefinition.builder("tab\there \\ \u0001 é")
            .stableState("a")
            .initialState("a")
            .build();

    assertThat(MachineJson.read(MachineJson.write(definition)).name())
        .isEqualTo("tab\there \\ \u0001 é");
  }

  private static final MachineDefinition GUARDED =
      MachineDefinition.builder("gate")
          .stableState("shut")
          .stableState("up")
          .initialState("shut")
          .transition("shut", "lift", "up", TransitionAction.named("motor"))
          .when("unlocked", context -> true)
          .transition("up", "drop", "shut")
          .build();

  @Test
  void exports_showGuardsByName() {
    assertThat(DotExport.write(GUARDED))
        .contains("\"shut\" -> \"up\" [label=\"lift [unlocked] / motor\"];");
    assertThat(MermaidExport.write(GUARDED)).contains(" : lift [unlocked]\n");
    assertThat(MachineJson.write(GUARDED))
        .contains(
            "{\"from\": \"shut\", \"event\": \"lift\", \"to\": \"up\", \"action\": \"motor\","
                + " \"guard\": \"unlocked\"},");
  }

  @Test
  void read_guardedTransition_isRefusedBecauseGuardsAreCode() {
    assertThatThrownBy(() -> MachineJson.read(MachineJson.write(GUARDED)))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage(
            "Machine JSON: transitions[0] has guard \"unlocked\": guards are code and cannot be"
                + " read from JSON; build this machine with MachineDefinition.builder");
  }
}
