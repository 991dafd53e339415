package io.ferrum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/state-machines.md is generated from the code and must not go stale. */
class StateMachineDocsTest {

  @Test
  void committedPage_equalsGeneratedPage() throws IOException {
    Path page = Path.of("..", "docs", "state-machines.md");

    assertThat(page).exists();
    assertThat(Files.readString(page, StandardCharsets.UTF_8))
        .as("docs/state-machines.md is stale: run ./ferrum fsm docs > docs/state-machines.md")
        .isEqualTo(FsmDocsCommand.render());
  }

  @Test
  void page_hasBothMachinesAsMermaid() {
    String page = FsmDocsCommand.render();

    assertThat(page)
        .contains("## The provision machine\n\n30 states, 93 transitions, 18 events;")
        .contains("## The power machine\n")
        .contains("| `wait call-back` | transient | `active` | ");
    assertThat(page.split("```mermaid\n", -1)).hasSize(3);
  }
}
