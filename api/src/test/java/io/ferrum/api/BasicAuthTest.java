package io.ferrum.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ferrum.api.BasicAuth.Result;
import io.ferrum.api.TestServer.Reply;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mindrot.jbcrypt.BCrypt;
import org.slf4j.LoggerFactory;

/**
 * Basic authentication against guessing: the same work for unknown users, a cache of verified
 * credentials that keeps no password, throttling per client address and user name, and 401s logged
 * without the password.
 */
class BasicAuthTest {

  @TempDir Path dir;
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private BasicAuth auth() throws Exception {
    Path file = dir.resolve("htpasswd");
    Files.writeString(
        file, "admin:" + BCrypt.hashpw("pw", BCrypt.gensalt(4)).replace("$2a$", "$2y$") + "\n");
    return BasicAuth.load(file, now::get);
  }

  private static String basic(String credentials) {
    return "Basic "
        + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
  }

  private void advance(Duration duration) {
    now.addAndGet(duration.toNanos());
  }

  @Test
  void unknownUser_costsTheSameBcryptCheckAsAWrongPassword() throws Exception {
    BasicAuth auth = auth();

    assertThat(auth.check(basic("admin:wrong"), "10.0.0.1").result()).isEqualTo(Result.REFUSED);
    assertThat(auth.bcryptChecks()).isEqualTo(1);
    assertThat(auth.check(basic("nobody:wrong"), "10.0.0.1").result()).isEqualTo(Result.REFUSED);
    assertThat(auth.bcryptChecks()).isEqualTo(2);
  }

  @Test
  void verifiedCredentials_areCachedBriefly_asAKeyedHashOnly() throws Exception {
    BasicAuth auth = auth();

    assertThat(auth.check(basic("admin:pw"), "10.0.0.1").result()).isEqualTo(Result.ALLOWED);
    assertThat(auth.check(basic("admin:pw"), "10.0.0.2").result()).isEqualTo(Result.ALLOWED);
    assertThat(auth.bcryptChecks()).isEqualTo(1);
    assertThat(auth.check(basic("admin:pw2"), "10.0.0.1").result()).isEqualTo(Result.REFUSED);
    advance(BasicAuth.CACHE_TTL.plusSeconds(1));
    assertThat(auth.check(basic("admin:pw"), "10.0.0.1").result()).isEqualTo(Result.ALLOWED);
    assertThat(auth.bcryptChecks()).isEqualTo(3);
    for (Field field : BasicAuth.class.getDeclaredFields()) {
      field.setAccessible(true);
      Object value = field.get(auth);
      String text = value instanceof Map<?, ?> map ? map.keySet() + "" + map.values() : "" + value;
      assertThat(text).as(field.getName()).doesNotContain("admin:pw").doesNotContain("=pw");
    }
  }

  @Test
  void failuresFromOneAddress_areThrottledWithoutABcryptCheck_untilTheWindowEnds()
      throws Exception {
    BasicAuth auth = auth();
    auth.check(basic("admin:pw"), "10.0.0.9"); // cached: a legitimate client
    long checks = auth.bcryptChecks();

    for (int i = 0; i < BasicAuth.MAX_FAILURES; i++) {
      assertThat(auth.check(basic("admin:guess" + i), "10.6.6.6").result())
          .isEqualTo(Result.REFUSED);
    }
    BasicAuth.Verdict throttled = auth.check(basic("admin:guess-x"), "10.6.6.6");

    assertThat(throttled.result()).isEqualTo(Result.THROTTLED);
    assertThat(throttled.retryAfter()).isPositive().isLessThanOrEqualTo(BasicAuth.FAILURE_WINDOW);
    assertThat(auth.bcryptChecks()).isEqualTo(checks + BasicAuth.MAX_FAILURES);
    assertThat(auth.check(basic("admin:pw"), "10.6.6.6").result())
        .as("cached credentials still pass")
        .isEqualTo(Result.ALLOWED);
    assertThat(auth.check(basic("admin:nope"), "10.0.0.9").result())
        .as("other addresses are still checked")
        .isEqualTo(Result.REFUSED);
    advance(BasicAuth.FAILURE_WINDOW);
    assertThat(auth.check(basic("admin:again"), "10.6.6.6").result()).isEqualTo(Result.REFUSED);
  }

  @Test
  void guessingOneUser_throttlesThatUserFromThatAddressOnly() throws Exception {
    Path file = dir.resolve("htpasswd2");
    Files.writeString(
        file,
        "admin:"
            + BCrypt.hashpw("pw", BCrypt.gensalt(4))
            + "\nops:"
            + BCrypt.hashpw("ops-pw", BCrypt.gensalt(4))
            + "\n");
    BasicAuth auth = BasicAuth.load(file, now::get);

    for (int i = 0; i < BasicAuth.MAX_FAILURES; i++) {
      auth.check(basic("admin:guess" + i), "10.6.6.6");
    }

    assertThat(auth.check(basic("admin:guess-x"), "10.6.6.6").result()).isEqualTo(Result.THROTTLED);
    assertThat(auth.check(basic("ops:ops-pw"), "10.6.6.6").result())
        .as("another user behind the same address")
        .isEqualTo(Result.ALLOWED);
    assertThat(auth.check(basic("admin:pw"), "10.0.0.7").result())
        .as("the guessed user from another address, not cached")
        .isEqualTo(Result.ALLOWED);
  }

  @Test
  void guessingManyUserNames_fromOneAddress_isThrottledToo() throws Exception {
    BasicAuth auth = auth();

    for (int i = 0; i < BasicAuth.MAX_ADDRESS_FAILURES; i++) {
      assertThat(auth.check(basic("user" + i + ":guess"), "10.6.6.6").result())
          .isEqualTo(Result.REFUSED);
    }

    assertThat(auth.check(basic("user-x:guess"), "10.6.6.6").result()).isEqualTo(Result.THROTTLED);
    assertThat(auth.check(basic("admin:pw"), "10.0.0.7").result()).isEqualTo(Result.ALLOWED);
  }

  @Test
  void failureCounts_keepNeitherUserNamesNorAddresses() throws Exception {
    BasicAuth auth = auth();

    auth.check(basic("secret-user-name:guess"), "10.66.77.88");

    for (Field field : BasicAuth.class.getDeclaredFields()) {
      field.setAccessible(true);
      Object value = field.get(auth);
      String text = value instanceof Map<?, ?> map ? map.keySet() + "" + map.values() : "" + value;
      assertThat(text)
          .as(field.getName())
          .doesNotContain("secret-user-name")
          .doesNotContain("10.66.77.88");
    }
  }

  @Test
  void malformedHeaders_areMissingCredentials() throws Exception {
    BasicAuth auth = auth();

    for (String header :
        new String[] {null, "", "Bearer x", "Basic !!!", basic("no-colon"), "Basic"}) {
      assertThat(auth.check(header, "10.0.0.1").result()).as(header).isEqualTo(Result.MISSING);
    }
    assertThat(auth.bcryptChecks()).isZero();
  }

  @Test
  void api_guessing_gets429WithRetryAfter_401sAreLoggedWithoutThePassword_legitimateUserServed()
      throws Exception {
    Path file = dir.resolve("htpasswd");
    Files.writeString(file, "admin:" + BCrypt.hashpw("pw", BCrypt.gensalt(4)) + "\n");
    Logger log = (Logger) LoggerFactory.getLogger("ferrum.api");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    log.addAppender(lines);
    try (TestServer api = new TestServer(new TestServer.Options().auth(BasicAuth.load(file)))) {
      String good = basic("admin:pw");
      assertThat(api.call("GET", "/v1/nodes", "1.78", null, "application/json", good).status())
          .isEqualTo(200);

      Reply wrong =
          api.call("GET", "/v1/nodes", "1.78", null, "application/json", basic("admin:Hunter2-X"));
      assertThat(wrong.status()).isEqualTo(401);
      ExecutorService attackers = Executors.newFixedThreadPool(8);
      List<Future<Integer>> statuses = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        String guess = basic("admin:guess-" + i);
        statuses.add(
            attackers.submit(
                () ->
                    api.call("GET", "/v1/nodes", "1.78", null, "application/json", guess)
                        .status()));
      }
      Reply legitimate = api.call("GET", "/v1/nodes", "1.78", null, "application/json", good);
      List<Integer> seen = new ArrayList<>();
      for (Future<Integer> status : statuses) {
        seen.add(status.get());
      }
      attackers.shutdown();
      Reply throttled =
          api.call("GET", "/v1/nodes", "1.78", null, "application/json", basic("admin:more"));

      assertThat(legitimate.status()).isEqualTo(200);
      assertThat(seen).containsOnly(401, 429).contains(429);
      assertThat(throttled.status()).isEqualTo(429);
      assertThat(throttled.header("Retry-After")).isNull();
      assertThat(throttled.fault())
          .contains("Too many failed authentication attempts")
          .containsPattern("retry in [1-9][0-9]? s");
    } finally {
      log.detachAppender(lines);
    }
    List<String> messages = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(messages)
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("401 for GET /v1/nodes from 127.0.0.1")
                    .contains("user \"admin\""));
    assertThat(messages).noneMatch(line -> line.contains("Hunter2-X") || line.contains(":pw"));
  }
}
