package io.ferrum.driver.redfish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverTimeoutException;
import io.ferrum.driver.InvalidDriverInfoException;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Speaks HTTP to Redfish services: JSON in and out, a Redfish session per service and credentials
 * (opened on first use, reused, opened again once when the service answers 401; {@code
 * redfish_auth_type} {@code auto} falls back to basic authentication where the service has no
 * session service) or HTTP basic authentication, no redirects (a redirect could lead outside the
 * operator's allowlist), a bounded answer size, and a few retries of a {@code 503} that carries
 * {@code Retry-After}. Failures become {@link DriverException}s with the service's own message
 * ({@code error.@Message.ExtendedInfo[0].Message} or {@code error.message}).
 *
 * <p>Thread-safe: the two HTTP clients (verifying TLS or not) are shared.
 */
final class RedfishClient {

  /** A Redfish answer: status, body ({@link MissingNode} when empty) and ETag (or null). */
  record Answer(int status, JsonNode body, String etag) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 1024 * 1024;
  private static final int ATTEMPTS = 3;
  private static final long MAX_RETRY_AFTER_SECONDS = 10;

  private static final String SESSIONS = "/redfish/v1/SessionService/Sessions";

  /** Marks a service without sessions (auth type auto): basic authentication is used. */
  private static final String NO_SESSIONS = "";

  private final Duration timeout;
  private final HttpClient verifying;
  private final HttpClient trusting;

  /** Session tokens by service and credentials. */
  private final ConcurrentHashMap<String, String> tokens = new ConcurrentHashMap<>();

  RedfishClient(Duration timeout) {
    this.timeout = timeout;
    this.verifying =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.trusting =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .sslContext(trustAll())
            .sslParameters(noHostnameCheck())
            .build();
  }

  /**
   * Sends {@code method path} (a path below the service, such as {@code /redfish/v1/Systems/1})
   * with {@code body} (or null) and returns the answer of a 2xx status.
   *
   * @param what the action in words, for messages
   * @param ifMatch an ETag the resource must still have, or null
   */
  Answer send(
      RedfishInfo info, String method, String path, Object body, String ifMatch, String what) {
    URI uri = URI.create(info.base() + path);
    boolean renewed = false;
    for (int attempt = 1; ; attempt++) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri)
              .timeout(timeout)
              .header("Accept", "application/json")
              .header("OData-Version", "4.0");
      String token = info.username() == null ? null : token(info);
      if (token != null && !token.equals(NO_SESSIONS)) {
        request.header("X-Auth-Token", token);
      } else if (info.username() != null) {
        String pair = info.username() + ":" + (info.password() == null ? "" : info.password());
        request.header(
            "Authorization",
            "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
      }
      if (ifMatch != null) {
        request.header("If-Match", ifMatch);
      }
      if (body == null) {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        try {
          request
              .header("Content-Type", "application/json")
              .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } catch (IOException e) {
          throw new DriverException("cannot write a Redfish request", e);
        }
      }
      HttpResponse<byte[]> response = exchange(info, request.build(), what);
      int status = response.statusCode();
      if (status == 401 && token != null && !token.equals(NO_SESSIONS) && !renewed) {
        // The session expired or was deleted on the BMC: open a new one, once.
        tokens.remove(key(info), token);
        renewed = true;
        attempt--;
        continue;
      }
      if (status == 503 && attempt < ATTEMPTS) {
        long wait = retryAfter(response);
        if (wait >= 0) {
          sleep(wait);
          continue;
        }
      }
      JsonNode json = parse(response.body());
      String etag =
          response.headers().firstValue("ETag").orElse(json.path("@odata.etag").asText(null));
      if (status >= 200 && status < 300) {
        return new Answer(status, json, etag);
      }
      throw failure(info, status, json, what, path);
    }
  }

  /**
   * The session token for {@code info}'s service and credentials, opening a session when there is
   * none; {@code null} for basic authentication; {@link #NO_SESSIONS} when auth type {@code auto}
   * found no session service.
   */
  private String token(RedfishInfo info) {
    if (info.authType().equals("basic")) {
      return null;
    }
    String key = key(info);
    String token = tokens.get(key);
    if (token != null) {
      return token;
    }
    Map<String, String> credentials = new LinkedHashMap<>();
    credentials.put("UserName", info.username());
    credentials.put("Password", info.password() == null ? "" : info.password());
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(credentials);
    } catch (IOException e) {
      throw new DriverException("cannot write a Redfish request", e);
    }
    for (int attempt = 1; ; attempt++) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(info.base() + SESSIONS))
              .timeout(timeout)
              .header("Accept", "application/json")
              .header("OData-Version", "4.0")
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      HttpResponse<byte[]> response = exchange(info, request, "opening a session");
      int status = response.statusCode();
      String created = response.headers().firstValue("X-Auth-Token").orElse(null);
      if ((status == 200 || status == 201) && created != null && !created.isBlank()) {
        tokens.put(key, created);
        return created;
      }
      if (status == 503 && attempt < ATTEMPTS && retryAfter(response) >= 0) {
        sleep(retryAfter(response));
        continue;
      }
      boolean noSessionService = status == 404 || status == 405 || status == 501;
      if (info.authType().equals("auto") && noSessionService) {
        tokens.put(key, NO_SESSIONS);
        return NO_SESSIONS;
      }
      throw failure(info, status, parse(response.body()), "opening a session", SESSIONS);
    }
  }

  private static String key(RedfishInfo info) {
    return info.base() + "\n" + info.username() + "\n" + info.password() + "\n" + info.authType();
  }

  private HttpResponse<byte[]> exchange(RedfishInfo info, HttpRequest request, String what) {
    try {
      return (info.verifyCa() ? verifying : trusting)
          .send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new DriverTimeoutException(
          "Redfish service "
              + info.base()
              + " did not answer "
              + what
              + " within "
              + timeout.toSeconds()
              + " s",
          e);
    } catch (SSLException e) {
      throw new DriverException(
          "TLS with Redfish service "
              + info.base()
              + " failed ("
              + e.getMessage()
              + "); is its certificate signed by a CA the conductor trusts?",
          e);
    } catch (IOException e) {
      throw new DriverTimeoutException(
          "Redfish service " + info.base() + " cannot be reached for " + what + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DriverException("interrupted during " + what, e);
    }
  }

  private static DriverException failure(
      RedfishInfo info, int status, JsonNode json, String what, String path) {
    String message = message(json);
    String service = "Redfish service " + info.base();
    return switch (status) {
      case 401 ->
          new InvalidDriverInfoException(
              service
                  + " rejected the credentials (driver_info."
                  + RedfishInfo.USERNAME
                  + " / "
                  + RedfishInfo.PASSWORD
                  + ")"
                  + message);
      case 403 -> new DriverException(service + " forbids " + what + message);
      case 404 ->
          new InvalidDriverInfoException(
              service
                  + " has no "
                  + path
                  + " (driver_info."
                  + RedfishInfo.SYSTEM_ID
                  + "?)"
                  + message);
      case 412 ->
          new DriverException(
              service + " refused " + what + ": the resource changed meanwhile" + message);
      case 503 -> new DriverTimeoutException(service + " is busy (503) for " + what + message);
      default ->
          new DriverException(service + " refused " + what + " (HTTP " + status + ")" + message);
    };
  }

  /** ": " and the service's own message, or "" when it gave none. */
  private static String message(JsonNode json) {
    JsonNode error = json.path("error");
    String text = error.path("@Message.ExtendedInfo").path(0).path("Message").asText("");
    if (text.isEmpty()) {
      text = error.path("message").asText("");
    }
    text = text.replaceAll("\\p{Cntrl}", " ").strip();
    if (text.length() > 200) {
      text = text.substring(0, 200) + "...";
    }
    return text.isEmpty() ? "" : ": " + text;
  }

  private static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      return MissingNode.getInstance();
    }
    if (body.length > MAX_BODY) {
      throw new DriverException("the Redfish service's answer is larger than 1 MiB");
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  /** Seconds {@code Retry-After} asks for (capped), or -1 when there is none. */
  private static long retryAfter(HttpResponse<?> response) {
    String value = response.headers().firstValue("Retry-After").orElse(null);
    if (value == null || !value.strip().matches("\\d{1,6}")) {
      return -1;
    }
    return Math.min(Long.parseLong(value.strip()), MAX_RETRY_AFTER_SECONDS);
  }

  private static void sleep(long seconds) {
    try {
      Thread.sleep(seconds * 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DriverException("interrupted while the Redfish service asked to wait", e);
    }
  }

  /** For {@code redfish_verify_ca=false} only: accepts any certificate. */
  private static SSLContext trustAll() {
    // An X509ExtendedTrustManager, so that the JDK adds no host name check of its own.
    TrustManager trustAll =
        new X509ExtendedTrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) {}

          @Override
          public void checkClientTrusted(
              X509Certificate[] chain, String authType, SSLEngine engine) {}

          @Override
          public void checkServerTrusted(
              X509Certificate[] chain, String authType, SSLEngine engine) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustAll}, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JVM", e);
    }
  }

  private static SSLParameters noHostnameCheck() {
    SSLParameters parameters = new SSLParameters();
    parameters.setEndpointIdentificationAlgorithm(null);
    return parameters;
  }
}
