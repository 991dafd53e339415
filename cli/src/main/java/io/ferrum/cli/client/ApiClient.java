package io.ferrum.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small client for Ferrum's (Ironic-compatible) API at microversion 1.78. Errors become {@link
 * ClientException}s carrying the server's message. Thread-safe.
 */
public final class ApiClient {

  static final ObjectMapper JSON = new ObjectMapper();

  /** A body this large may be what made a request fail: the failure says so. */
  private static final int LARGE_BODY = 64 * 1024;

  private final String url;
  private final String authorization;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * @param url the API's base URL, e.g. {@code http://127.0.0.1:6385}
   * @param user for basic auth, or {@code null}
   * @param password for basic auth
   */
  public ApiClient(String url, String user, String password) {
    this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.authorization =
        user == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** The base URL. */
  public String url() {
    return url;
  }

  public JsonNode get(String path) {
    return send("GET", path, null);
  }

  public JsonNode post(String path, Object body) {
    return send("POST", path, body);
  }

  public JsonNode put(String path, Object body) {
    return send("PUT", path, body);
  }

  public JsonNode patch(String path, Object body) {
    return send("PATCH", path, body);
  }

  public JsonNode delete(String path) {
    return send("DELETE", path, null);
  }

  /**
   * Parses JSON typed by a user on the command line.
   *
   * @throws IllegalArgumentException with the parser's message
   */
  public static JsonNode encodeJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage().split("\n")[0], e);
    }
  }

  /** {@code value} encoded for a path segment or query value. */
  public static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonNode send(String method, String path, Object body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url + path))
            .timeout(Duration.ofSeconds(60))
            .header("Accept", "application/json")
            .header("X-OpenStack-Ironic-API-Version", "1.78");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    // The status, as soon as the response's head arrives: a server that refuses a large body may
    // answer and close before reading it, and the client may then lose the rest of the answer.
    AtomicInteger status = new AtomicInteger();
    HttpResponse.BodyHandler<String> handler =
        info -> {
          status.set(info.statusCode());
          return HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
        };
    int length = 0;
    try {
      if (body != null) {
        byte[] bytes = JSON.writeValueAsBytes(body);
        length = bytes.length;
        request
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
      } else {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      }
      HttpResponse<String> response = http.send(request.build(), handler);
      if (response.statusCode() >= 400) {
        throw new ClientException(response.statusCode(), message(response));
      }
      return response.body().isEmpty() ? null : JSON.readTree(response.body());
    } catch (ConnectException e) {
      throw new ClientException(
          "cannot reach Ferrum at "
              + url
              + ": is 'ferrum serve' running? (set --url or FERRUM_URL)",
          e);
    } catch (IOException e) {
      if (status.get() >= 400) {
        throw new ClientException(status.get(), lost(status.get(), length));
      }
      if (length >= LARGE_BODY) {
        throw new ClientException(
            "request to "
                + url
                + " failed while sending a body of "
                + length
                + " bytes (the server may refuse one that large): "
                + e.getMessage(),
            e);
      }
      throw new ClientException("request to " + url + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException("interrupted", e);
    }
  }

  /**
   * What to say when the server answered {@code status} and closed the connection before the rest
   * of its answer arrived (it does so when it refuses a body without reading it).
   */
  static String lost(int status, int length) {
    if (status == 413) {
      return "the server refused the request body ("
          + length
          + " bytes): it is larger than the server accepts (HTTP 413)";
    }
    return "the server refused the request (HTTP "
        + status
        + ") and closed the connection before its explanation arrived";
  }

  private static String message(HttpResponse<String> response) {
    try {
      JsonNode body = JSON.readTree(response.body());
      JsonNode inner = JSON.readTree(body.get("error_message").asText());
      JsonNode text =
          inner.has("faultstring") ? inner.get("faultstring") : inner.get("description");
      return text.asText();
    } catch (IOException | RuntimeException e) {
      return "HTTP " + response.statusCode();
    }
  }
}
