package io.ferrum.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.api.TestServer.Reply;
import io.ferrum.driver.fake.FakeHardware;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server whose operator left fake-hardware's fault injection off, as {@code ferrum serve} does: a
 * node's delay is bounded, malformed numbers are refused when the node is written.
 */
class FakeFaultInjectionTest {

  private TestServer api;

  @BeforeEach
  void start() throws Exception {
    api =
        new TestServer(
            new TestServer.Options()
                .conductor(b -> b.driverSetting(FakeHardware.FAULT_INJECTION, "false")));
    Reply created =
        api.call(
            "POST",
            "/v1/nodes",
            "1.78",
            "{\"driver\": \"fake-hardware\", \"name\": \"f1\", \"driver_info\":"
                + " {\"fake_delay_ms\": \"20\"}}");
    assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private Reply patchDelay(String json) throws Exception {
    return api.call(
        "PATCH",
        "/v1/nodes/f1",
        "1.78",
        "[{\"op\": \"replace\", \"path\": \"/driver_info/fake_delay_ms\", \"value\": "
            + json
            + "}]");
  }

  @Test
  void delayBeyondTheBound_orMalformed_isA400NamingTheField_andNothingChanges() throws Exception {
    for (String bad : new String[] {"600000", "\"600000\"", "-5", "\"abc\""}) {
      Reply reply = patchDelay(bad);

      assertThat(reply.status()).as(bad + ": " + reply.raw().body()).isEqualTo(400);
      assertThat(reply.fault()).startsWith("driver_info.fake_delay_ms ");
    }
    assertThat(patchDelay("600000").fault()).contains("at most 5000", "--fake-fault-injection");
    Reply create =
        api.call(
            "POST",
            "/v1/nodes",
            "1.78",
            "{\"driver\": \"fake-hardware\", \"driver_info\": {\"fake_delay_ms\": \"-5\"}}");
    assertThat(create.status()).as(create.raw().body()).isEqualTo(400);
    assertThat(create.fault()).startsWith("driver_info.fake_delay_ms must be a whole number");

    assertThat(api.get("/v1/nodes/f1").body().get("driver_info").get("fake_delay_ms").asText())
        .isEqualTo("20");
    assertThat(patchDelay("5000").status()).isEqualTo(200);
  }
}
