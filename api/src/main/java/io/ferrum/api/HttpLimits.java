package io.ferrum.api;

import java.time.Duration;

/**
 * How much the API server takes on at once, and how long it waits for clients. Immutable.
 *
 * @param maxConnections requests being received or answered at once, each on its own thread; a
 *     connection beyond that is closed at once, without an answer
 * @param workers requests processed at once (after they were received in full)
 * @param queue received requests that may wait for a worker; beyond that the answer is 503
 * @param readTimeout how long a client may take to send a whole request, headers and body; then its
 *     connection is closed
 * @param idleTimeout how long a kept-alive connection may stay without a request
 * @param maxBodyBytes the largest request body; a larger one is a 413
 * @param maxConnectionsPerClient requests from one client address being received or answered at
 *     once, counted from the end of their headers; a connection beyond that is closed at once,
 *     without an answer and without reading its body, so one client can not take every connection
 *     thread
 */
public record HttpLimits(
    int maxConnections,
    int workers,
    int queue,
    Duration readTimeout,
    Duration idleTimeout,
    int maxBodyBytes,
    int maxConnectionsPerClient) {

  /** The default of {@link #maxConnectionsPerClient}. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 32;

  /** The most header lines a request may have; more and its connection is closed. */
  public static final int MAX_HEADERS = 100;

  /** The most header bytes a request may have; more and its connection is closed. */
  public static final int MAX_HEADER_BYTES = 64 * 1024;

  /**
   * The most bytes of a request body the server reads and discards after answering without reading
   * it all (a 413): a client that sends its whole body before reading the answer then reads the
   * answer, instead of a reset. A longer body is not read to its end: its connection is closed.
   */
  public static final int MAX_DISCARDED_BODY_BYTES = 8 * 1024 * 1024;

  /** How long a received request may take to be answered and its answer taken by the client. */
  public static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(120);

  /** How long a received request waits in the queue for a worker before a 503. */
  public static final Duration QUEUE_WAIT = Duration.ofSeconds(30);

  public HttpLimits {
    if (maxConnections < 1
        || workers < 1
        || queue < 0
        || maxBodyBytes < 1
        || maxConnectionsPerClient < 1) {
      throw new IllegalArgumentException(
          "HTTP limits must be positive (the queue may be 0): " + maxConnections + ", " + workers);
    }
    if (readTimeout.toSeconds() < 1 || idleTimeout.toSeconds() < 1) {
      throw new IllegalArgumentException("HTTP timeouts are whole seconds, at least 1");
    }
  }

  /** Limits with {@link #DEFAULT_MAX_CONNECTIONS_PER_CLIENT} connections per client. */
  public HttpLimits(
      int maxConnections,
      int workers,
      int queue,
      Duration readTimeout,
      Duration idleTimeout,
      int maxBodyBytes) {
    this(
        maxConnections,
        workers,
        queue,
        readTimeout,
        idleTimeout,
        maxBodyBytes,
        DEFAULT_MAX_CONNECTIONS_PER_CLIENT);
  }

  /**
   * 256 connections (32 per client address), 16 workers, a queue of 64, 30 s to send a request, 30
   * s idle, 1 MiB.
   */
  public static HttpLimits defaults() {
    return new HttpLimits(256, 16, 64, Duration.ofSeconds(30), Duration.ofSeconds(30), 1 << 20);
  }

  /** These limits with {@code value} workers. */
  public HttpLimits withWorkers(int value) {
    return new HttpLimits(
        maxConnections,
        value,
        queue,
        readTimeout,
        idleTimeout,
        maxBodyBytes,
        maxConnectionsPerClient);
  }

  /** These limits with {@code value} connections per client address. */
  public HttpLimits withMaxConnectionsPerClient(int value) {
    return new HttpLimits(
        maxConnections, workers, queue, readTimeout, idleTimeout, maxBodyBytes, value);
  }
}
