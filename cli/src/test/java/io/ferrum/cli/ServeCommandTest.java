package io.ferrum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ferrum serve} in-process: start on the H2 default, serve, stop cleanly, refuse misuse. */
class ServeCommandTest {

  private record Running(
      ServeCommand command,
      CompletableFuture<Integer> exit,
      StringWriter out,
      StringWriter err,
      String url) {}

  private static Running start(Map<String, String> env, String... args) throws Exception {
    ServeCommand command = new ServeCommand(env);
    CountDownLatch started = new CountDownLatch(1);
    command.onStarted(started::countDown);
    StringWriter out = new StringWriter();
    CommandLine commandLine = Ferrum.newCommandLine().getSubcommands().get("serve");
    CommandLine serve = new CommandLine(command);
    serve.setOut(new PrintWriter(out, true));
    StringWriter err = new StringWriter();
    serve.setErr(new PrintWriter(err, true));
    serve.setParameterExceptionHandler(commandLine.getParameterExceptionHandler());
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(() -> serve.execute(args), ConcurrentTests.OWN_THREAD);
    started.await(30, TimeUnit.SECONDS);
    Matcher m = Pattern.compile("on (http://\\S+)").matcher(out.toString());
    return new Running(command, exit, out, err, m.find() ? m.group(1) : null);
  }

  @Test
  void serve_embeddedH2_servesThenStopsWithExitZero(@TempDir Path dir) throws Exception {
    Running running =
        start(
            Map.of(), "--port", "0", "--data-dir", dir.resolve("data").toString(), "--name", "t1");

    assertThat(running.url()).as(running.out().toString()).startsWith("http://127.0.0.1:");
    assertThat(running.out().toString())
        .contains("database: H2 file " + dir.resolve("data").resolve("ferrum.mv.db"))
        .contains("drivers:  fake-hardware")
        .contains("baremetal --os-auth-type none --os-endpoint " + running.url());
    HttpResponse<String> nodes =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(running.url() + "/v1/nodes")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(nodes.statusCode()).isEqualTo(200);

    running.command().stop();
    assertThat(running.exit().get(30, TimeUnit.SECONDS)).isZero();
    assertThat(running.out().toString()).endsWith("Stopped.\n");
  }

  @Test
  void serve_unknownFerrumEnvironmentVariables_oneWarningLine_namesOnly(@TempDir Path dir)
      throws Exception {
    Map<String, String> env =
        Map.of(
            "FERRUM_PROT", "6643",
            "FERRUM_DB_URI", "jdbc:h2:mem:secret-value",
            "FERRUM_NAME", "t-env",
            "FERRUM_URL", "http://127.0.0.1:1",
            "FERRUM_JAVA_OPTS", "-Xmx1g",
            "FERRUM_TEST_PG_URL", "x",
            "NOT_FERRUM", "1");
    Running running = start(env, "--port", "0", "--data-dir", dir.resolve("data").toString());
    try {
      assertThat(running.url()).as(running.out().toString()).isNotNull();
      assertThat(running.err().toString())
          .isEqualTo(
              "ferrum serve: warning: ignoring environment variables that are no setting of"
                  + " ferrum serve: FERRUM_DB_URI, FERRUM_PROT (see ferrum serve --help)\n");
      assertThat(running.out().toString()).contains("\"t-env\"");
    } finally {
      running.command().stop();
      assertThat(running.exit().get(30, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void serve_onlyKnownFerrumVariables_noWarning(@TempDir Path dir) throws Exception {
    Running running =
        start(
            Map.of("FERRUM_NAME", "t-quiet", "FERRUM_CONFIG", ""),
            "--port",
            "0",
            "--data-dir",
            dir.resolve("data").toString());
    try {
      assertThat(running.url()).isNotNull();
      assertThat(running.err().toString()).isEmpty();
    } finally {
      running.command().stop();
      assertThat(running.exit().get(30, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void serve_secondOnSameDataDir_failsClearly(@TempDir Path dir) throws Exception {
    String data = dir.resolve("data").toString();
    Running first = start(Map.of(), "--port", "0", "--data-dir", data);
    try {
      StringWriter err = new StringWriter();
      int code =
          Ferrum.execute(
              new String[] {"serve", "--port", "0", "--data-dir", data},
              new PrintWriter(new StringWriter(), true),
              new PrintWriter(err, true));

      assertThat(code).isEqualTo(1);
      assertThat(err.toString())
          .startsWith("ferrum serve: another ferrum serve is already using the data directory");
    } finally {
      first.command().stop();
      first.exit().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void serve_nonLoopbackWithoutAuth_isRefused_exit2() {
    StringWriter err = new StringWriter();

    int code =
        Ferrum.execute(
            new String[] {"serve", "--bind", "0.0.0.0", "--port", "0"},
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .startsWith(
            "ferrum serve: refusing to listen on 0.0.0.0 without authentication: give"
                + " --auth-file, or --insecure-no-auth if this network is trusted");
  }

  @Test
  void serve_badNumbers_exit2_namingTheOption() {
    StringWriter err = new StringWriter();

    int code =
        Ferrum.execute(
            new String[] {"serve", "--port", "http"},
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("ferrum serve: --port must be a whole number from 0 to 65535, not 'http'");
  }

  @Test
  void serve_badDriverDeadlinesOrPolicy_exit2_namingTheOption() {
    for (String[] bad :
        new String[][] {
          {"--driver-call-timeout", "powr=5", "INTERFACE one of [boot, clean, deploy,"},
          {"--driver-call-timeout", "power", "not 'power'"},
          {"--driver-call-timeout", "power=0", "--driver-call-timeout power must be a whole"},
          {"--power-sync-policy", "strict", "--power-sync-policy must be observe or enforce"},
          {"--callback-timeout", "-1", "--callback-timeout must be a whole number"}
        }) {
      StringWriter err = new StringWriter();
      int code =
          Ferrum.execute(
              new String[] {"serve", bad[0], bad[1]},
              new PrintWriter(new StringWriter(), true),
              new PrintWriter(err, true));
      assertThat(code).as(bad[0] + " " + bad[1]).isEqualTo(2);
      assertThat(err.toString()).as(bad[0] + " " + bad[1]).contains(bad[2]);
    }
  }

  @Test
  void serve_driverCallTimeout_boundsAHungPowerCall(@TempDir Path dir) throws Exception {
    Running running =
        start(
            Map.of(),
            "--port",
            "0",
            "--data-dir",
            dir.resolve("data").toString(),
            "--fake-fault-injection",
            "true",
            "--driver-call-timeout",
            "power=1");
    try {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> created =
          http.send(
              HttpRequest.newBuilder(URI.create(running.url() + "/v1/nodes"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"driver\": \"fake-hardware\", \"driver_info\": {\"fake_hang\":"
                              + " \"power.set\", \"fake_hang_ms\": \"60000\"}}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String uuid =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(created.body())
              .get("uuid")
              .asText();
      HttpResponse<String> power =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(running.url() + "/v1/nodes/" + uuid + "/states/power"))
                  .header("Content-Type", "application/json")
                  .PUT(HttpRequest.BodyPublishers.ofString("{\"target\": \"power on\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(power.statusCode()).as(power.body()).isEqualTo(202);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      String lastError = "";
      while (System.nanoTime() < deadline) {
        String body =
            http.send(
                    HttpRequest.newBuilder(URI.create(running.url() + "/v1/nodes/" + uuid)).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        com.fasterxml.jackson.databind.JsonNode node =
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
        if (!node.get("last_error").isNull() && node.get("reservation").isNull()) {
          lastError = node.get("last_error").asText();
          break;
        }
        Thread.sleep(100);
      }
      assertThat(lastError).contains("deadline of 1 s");
    } finally {
      running.command().stop();
      running.exit().get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void settings_optionBeatsEnvironmentBeatsFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ferrum.conf");
    java.nio.file.Files.writeString(file, "port = 7000\nworkers = 3\nname = from-file\n");
    Settings settings =
        Settings.load(
            Map.of("FERRUM_PORT", "7001", "FERRUM_NAME", " "),
            file,
            java.util.Set.of("port", "workers", "name", "bind"));

    assertThat(settings.get("port", "7002", "6385")).isEqualTo("7002");
    assertThat(settings.get("port", null, "6385")).isEqualTo("7001");
    assertThat(settings.get("workers", null, "16")).isEqualTo("3");
    assertThat(settings.get("name", null, "host"))
        .as("blank environment ignored")
        .isEqualTo("from-file");
    assertThat(settings.get("bind", null, "127.0.0.1")).isEqualTo("127.0.0.1");
    assertThat(Settings.variable("db-url")).isEqualTo("FERRUM_DB_URL");
  }

  private static String[] errorOf(String... args) {
    StringWriter err = new StringWriter();
    int code =
        Ferrum.execute(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    return new String[] {Integer.toString(code), err.toString()};
  }

  @Test
  void configFile_unknownKeyGarbageOrRepeat_stopsTheStart_namingTheLine(@TempDir Path dir)
      throws Exception {
    Path typo = dir.resolve("typo.conf");
    java.nio.file.Files.writeString(typo, "# comment\n\nport = 0\nprot = 6643\n");
    Path garbage = dir.resolve("garbage.conf");
    java.nio.file.Files.writeString(garbage, "port = 0\nthis is not a setting\n");
    Path twice = dir.resolve("twice.conf");
    java.nio.file.Files.writeString(twice, "port = 0\nport = 1\n");
    Path colon = dir.resolve("colon.conf");
    java.nio.file.Files.writeString(colon, "port: 0\n");

    String[] unknown = errorOf("serve", "--config", typo.toString());
    String[] unparsable = errorOf("serve", "--config", garbage.toString());
    String[] repeated = errorOf("serve", "--config", twice.toString());
    String[] colonLine = errorOf("serve", "--config", colon.toString());

    assertThat(unknown[0]).isEqualTo("2");
    assertThat(unknown[1])
        .startsWith("ferrum serve: config file " + typo + " line 4: unknown setting 'prot';")
        .contains("port");
    assertThat(unparsable[0]).isEqualTo("2");
    assertThat(unparsable[1])
        .startsWith(
            "ferrum serve: config file "
                + garbage
                + " line 2: expected 'name = value' or a # comment, not 'this is not a setting'");
    assertThat(repeated[1])
        .startsWith("ferrum serve: config file " + twice + " line 2: 'port' is set twice");
    assertThat(colonLine[1]).startsWith("ferrum serve: config file " + colon + " line 1:");
  }

  @Test
  void allowlists_fromEnvironmentAndConfig_reachTheDrivers(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("ferrum.conf");
    java.nio.file.Files.writeString(config, "image-allowed-dirs = /srv/images\n");
    Running running =
        start(
            Map.of("FERRUM_LIBVIRT_ALLOWED_URIS", "qemu+ssh://hv1.example/system"),
            "--port",
            "0",
            "--data-dir",
            dir.resolve("data").toString(),
            "--config",
            config.toString());
    try {
      HttpClient http = HttpClient.newHttpClient();
      java.util.function.Function<String, Integer> create =
          body -> {
            try {
              return http.send(
                      HttpRequest.newBuilder(URI.create(running.url() + "/v1/nodes"))
                          .header("Content-Type", "application/json")
                          .POST(HttpRequest.BodyPublishers.ofString(body))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          };

      assertThat(
              create.apply(
                  "{\"driver\": \"libvirt\", \"driver_info\": {\"libvirt_uri\":"
                      + " \"qemu+ssh://hv1.example/system\", \"libvirt_domain\": \"d\"},"
                      + " \"instance_info\": {\"image_source\": \"/srv/images/a.qcow2\"}}"))
          .isEqualTo(201);
      assertThat(
              create.apply(
                  "{\"driver\": \"libvirt\", \"driver_info\": {\"libvirt_uri\":"
                      + " \"qemu:///system\", \"libvirt_domain\": \"d\"}}"))
          .as("the operator's list replaces the default one")
          .isEqualTo(400);
      assertThat(
              create.apply(
                  "{\"driver\": \"libvirt\", \"driver_info\": {\"libvirt_uri\":"
                      + " \"qemu+ssh://hv1.example/system\", \"libvirt_domain\": \"d\"},"
                      + " \"instance_info\": {\"image_source\":"
                      + " \"/var/lib/ferrum/images/a.qcow2\"}}"))
          .isEqualTo(400);
    } finally {
      running.command().stop();
      running.exit().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void ipmiNode_createdAndPoweredThroughTheApi(@TempDir Path dir) throws Exception {
    // A stand-in for ipmitool that keeps the power state in a file, so the test needs no BMC.
    Path state = dir.resolve("power");
    java.nio.file.Files.writeString(state, "off\n");
    Path program = dir.resolve("ipmitool");
    java.nio.file.Files.writeString(
        program,
        "#!/bin/sh\n"
            + "for a in \"$@\"; do last2=$last1; last1=$a; done\n"
            + "case \"$last2 $last1\" in\n"
            + "  'power on') echo on > "
            + state
            + "; echo 'Chassis Power Control: Up/On' ;;\n"
            + "  'power status') echo \"Chassis Power is $(cat "
            + state
            + ")\" ;;\n"
            + "  *) echo \"unexpected $*\" >&2; exit 1 ;;\n"
            + "esac\n");
    java.nio.file.Files.setPosixFilePermissions(
        program, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    Running running =
        start(
            Map.of(),
            "--port",
            "0",
            "--data-dir",
            dir.resolve("data").toString(),
            "--bmc-allowed-networks",
            "192.0.2.0/24",
            "--ipmi-min-command-interval",
            "0",
            "--ipmitool-path",
            program.toString());
    try {
      HttpClient http = HttpClient.newHttpClient();
      java.util.function.BiFunction<String, String, HttpResponse<String>> send =
          (path, body) -> {
            try {
              HttpRequest.Builder request =
                  HttpRequest.newBuilder(URI.create(running.url() + path))
                      .header("Content-Type", "application/json")
                      .header("X-OpenStack-Ironic-API-Version", "1.78");
              return http.send(
                  body == null
                      ? request.GET().build()
                      : path.endsWith("/power")
                          ? request.PUT(HttpRequest.BodyPublishers.ofString(body)).build()
                          : request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                  HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          };

      HttpResponse<String> outside =
          send.apply(
              "/v1/nodes",
              "{\"driver\": \"ipmi\", \"driver_info\": {\"ipmi_address\": \"10.0.0.1\"}}");
      assertThat(outside.statusCode()).isEqualTo(400);
      assertThat(outside.body()).contains("bmc-allowed-networks");

      HttpResponse<String> created =
          send.apply(
              "/v1/nodes",
              "{\"name\": \"bm-1\", \"driver\": \"ipmi\", \"driver_info\": {\"ipmi_address\":"
                  + " \"192.0.2.10\", \"ipmi_username\": \"admin\", \"ipmi_password\":"
                  + " \"secret\"}}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      assertThat(created.body()).doesNotContain("secret");

      HttpResponse<String> power =
          send.apply("/v1/nodes/bm-1/states/power", "{\"target\": \"power on\"}");
      assertThat(power.statusCode()).as(power.body()).isEqualTo(202);
      String node = "";
      for (int i = 0; i < 100 && !node.contains("\"power_state\":\"power on\""); i++) {
        Thread.sleep(100);
        node = send.apply("/v1/nodes/bm-1", null).body().replace("\": \"", "\":\"");
      }
      assertThat(node).contains("\"power_state\":\"power on\"");
    } finally {
      running.command().stop();
      running.exit().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void allowlist_thatIsNotOne_stopsTheStart_namingTheSetting(@TempDir Path dir) {
    String[] result =
        errorOf(
            "serve",
            "--port",
            "0",
            "--data-dir",
            dir.resolve("data").toString(),
            "--libvirt-allowed-uris",
            "qemu:///../system");

    assertThat(result[0]).isEqualTo("1");
    assertThat(result[1])
        .startsWith(
            "ferrum serve: Hardware type \"libvirt\": libvirt-allowed-uris: \"qemu:///../system\"");
  }

  @Test
  void agentSettings_thatAreNotUsable_stopTheStart_namingTheOption(@TempDir Path dir) {
    String data = dir.resolve("data").toString();
    String[] networks =
        errorOf("serve", "--port", "0", "--data-dir", data, "--agent-allowed-networks", "anywhere");
    String[] relative =
        errorOf("serve", "--port", "0", "--data-dir", data, "--httpboot-dir", "tftp/boot");
    String[] url =
        errorOf("serve", "--port", "0", "--data-dir", data, "--agent-api-url", "ftp://10.0.0.1/");

    assertThat(networks[0]).isEqualTo("1");
    assertThat(networks[1]).contains("agent-allowed-networks").contains("anywhere");
    assertThat(relative[0]).isEqualTo("2");
    assertThat(relative[1])
        .contains("--httpboot-dir must be an absolute directory, not 'tftp/boot'");
    assertThat(url[0]).isEqualTo("2");
    assertThat(url[1]).contains("--agent-api-url must be an http or https URL");
  }

  @Test
  void httpMaxConnectionsPerClient_outOfRange_stopsTheStart() {
    String[] zero = errorOf("serve", "--http-max-connections-per-client", "0");
    String[] word = errorOf("serve", "--http-max-connections-per-client", "many");

    assertThat(zero[0]).isEqualTo("2");
    assertThat(zero[1])
        .startsWith(
            "ferrum serve: --http-max-connections-per-client must be a whole number from 1 to"
                + " 10000, not '0'");
    assertThat(word[1]).contains("not 'many'");
  }

  @Test
  void help_documentsTheAllowlistsAndHttpLimits() {
    StringWriter out = new StringWriter();
    Ferrum.execute(
        new String[] {"serve", "--help"},
        new PrintWriter(out, true),
        new PrintWriter(new StringWriter(), true));

    assertThat(out.toString())
        .contains(
            "--libvirt-allowed-uris",
            "--libvirt-allowed-uri-params",
            "--image-allowed-dirs",
            "--image-allowed-pools",
            "--image-allowed-url-schemes",
            "--bmc-allowed-networks",
            "--agent-allowed-networks",
            "--httpboot-dir",
            "--agent-api-url",
            "--ipmi-min-command-interval",
            "--ipmitool-path",
            "--redfish-allowed-schemes",
            "--http-workers",
            "--http-queue",
            "--http-max-connections",
            "--http-max-connections-per-client",
            "--http-read-timeout",
            "--http-idle-timeout",
            "docs/security.md");
  }
}
