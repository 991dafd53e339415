package io.ferrum.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.api.TestServer.Reply;
import io.ferrum.conductor.SynchronousWorkerPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A fresh {@link TestServer} for each test, whose conductor runs work synchronously (a request's
 * work is done when its response arrives), closed after the test. A subclass's own
 * {@code @BeforeEach} runs after the server has started.
 */
abstract class SynchronousServerTest {

  /** The server of the running test. */
  TestServer api;

  @BeforeEach
  final void startServer() throws Exception {
    TestServer.Options options = new TestServer.Options();
    options.workers = new SynchronousWorkerPool();
    api = new TestServer(options);
  }

  @AfterEach
  final void stopServer() {
    api.close();
  }

  /** A request at API version 1.78; {@code body} may be null. */
  Reply call(String method, String path, String body) throws Exception {
    return api.call(method, path, "1.78", body);
  }

  /**
   * Creates a fake-hardware node named {@code name}, with {@code fields} after the name in the
   * request's JSON object ({@code ", \"owner\": \"a\""}, or {@code ""}); its UUID.
   */
  String node(String name, String fields) throws Exception {
    Reply created =
        call(
            "POST",
            "/v1/nodes",
            "{\"driver\": \"fake-hardware\", \"name\": \"" + name + "\"" + fields + "}");
    assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
    return created.body().get("uuid").asText();
  }
}
