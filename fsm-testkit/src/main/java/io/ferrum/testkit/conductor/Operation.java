package io.ferrum.testkit.conductor;

import io.ferrum.faults.FaultyDataSource;
import io.ferrum.testkit.Choices;
import java.util.ArrayList;
import java.util.List;

/**
 * One step of a run: which client does what to which node. Generated from {@link Choices} alone
 * (never from what the conductor did), so the same numbers give the same operations, and a prefix
 * of a run's operations is a run of its own.
 *
 * @param client the client thread that runs it
 * @param kind what it does
 * @param node the node it acts on: its index in creation order ({@code n0}, {@code n1}, ...)
 * @param arg the kind's argument (a driver_info variant, a new name, a fault's target), or 0
 */
record Operation(int client, Kind kind, int node, int arg) {

  /** The fault targets: calls that {@link Kind#DRIVER_FAILS} and {@link Kind#DRIVER_HANGS} hit. */
  static final List<String> DRIVER_CALLS =
      List.of(
          "power.setPowerState",
          "power.getPowerState",
          "power.reboot",
          "deploy.deploy",
          "deploy.tearDown",
          "boot.prepareInstance",
          "management.setBootDevice",
          "any call");

  /** The statements database faults strike (by the start of their SQL), and when. */
  static final List<String> STATEMENTS =
      List.of("UPDATE nodes", "INSERT INTO node_history", "SELECT", "INSERT INTO nodes", "DELETE");

  /** What an operation does, with its weight in random choice. */
  enum Kind {
    CREATE("create", 6, false),
    MANAGE("manage", 6, true),
    PROVIDE("provide", 6, true),
    DEPLOY("active", 6, true),
    UNDEPLOY("deleted", 4, true),
    ABORT("abort", 2, true),
    INSPECT("inspect", 2, true),
    REBUILD("rebuild", 1, true),
    RESCUE("rescue", 1, true),
    UNRESCUE("unrescue", 1, true),
    ADOPT("adopt", 1, true),
    CONTINUE("continue", 2, true),
    POWER_ON("power on", 3, true),
    POWER_OFF("power off", 3, true),
    REBOOT("rebooting", 2, true),
    PATCH("patch extra", 2, true),
    RENAME("rename", 1, true),
    BAD_PATCH("patch provision_state", 1, true),
    MAINTENANCE_ON("maintenance on", 2, true),
    MAINTENANCE_OFF("maintenance off", 2, true),
    DELETE("delete", 2, true),
    PERIODIC("run periodic tasks", 2, false),
    DRIVER_FAILS("driver fails", 3, false),
    DRIVER_HANGS("driver hangs", 1, false),
    DATABASE_FAILS("database fails", 3, false),
    SINK_FAILS("sink fails", 2, false);

    final String label;
    final int weight;
    final boolean onNode;

    Kind(String label, int weight, boolean onNode) {
      this.label = label;
      this.weight = weight;
      this.onNode = onNode;
    }

    boolean isFault() {
      return this == DRIVER_FAILS
          || this == DRIVER_HANGS
          || this == DATABASE_FAILS
          || this == SINK_FAILS;
    }
  }

  /** {@code steps} operations for {@code clients} clients from {@code choices}. */
  static List<Operation> generate(
      Choices choices, int steps, int clients, int variants, boolean faults) {
    List<Kind> kinds = new ArrayList<>();
    int total = 0;
    for (Kind kind : Kind.values()) {
      if (faults || !kind.isFault()) {
        kinds.add(kind);
        total += kind.weight;
      }
    }
    List<Operation> ops = new ArrayList<>();
    int created = 0;
    for (int i = 0; i < steps; i++) {
      int client = choices.choose(clients);
      int pick = choices.choose(total);
      Kind kind = kinds.get(0);
      for (Kind candidate : kinds) {
        if (pick < candidate.weight) {
          kind = candidate;
          break;
        }
        pick -= candidate.weight;
      }
      if (kind.onNode && created == 0) {
        kind = Kind.CREATE;
      }
      int node = 0;
      int arg = 0;
      switch (kind) {
        case CREATE -> {
          node = created++;
          arg = choices.choose(variants);
        }
        case RENAME -> {
          node = choices.choose(created);
          arg = choices.choose(created + 1);
        }
        case DRIVER_FAILS -> arg = choices.choose(DRIVER_CALLS.size() * 3);
        case DRIVER_HANGS -> arg = choices.choose(DRIVER_CALLS.size());
        case DATABASE_FAILS ->
            arg = choices.choose(STATEMENTS.size() * FaultyDataSource.When.values().length);
        case SINK_FAILS -> arg = choices.choose(2);
        default -> node = kind.onNode ? choices.choose(created) : 0;
      }
      ops.add(new Operation(client, kind, node, arg));
    }
    return ops;
  }

  /** The failure a {@link Kind#DRIVER_FAILS} operation injects. */
  FaultyHardware.Failure driverFailure() {
    return kind == Kind.DRIVER_HANGS
        ? FaultyHardware.Failure.HANG
        : FaultyHardware.Failure.values()[arg / DRIVER_CALLS.size()];
  }

  String driverCall() {
    return DRIVER_CALLS.get(arg % DRIVER_CALLS.size());
  }

  String statement() {
    return STATEMENTS.get(arg % STATEMENTS.size());
  }

  FaultyDataSource.When when() {
    return FaultyDataSource.When.values()[arg / STATEMENTS.size()];
  }

  /** E.g. {@code client 1: active n3}. */
  @Override
  public String toString() {
    String what =
        switch (kind) {
          case CREATE -> "create n" + node + (arg == 0 ? "" : " (driver_info #" + arg + ")");
          case RENAME -> "rename n" + node + " to n" + arg;
          case PERIODIC -> kind.label;
          case DRIVER_FAILS, DRIVER_HANGS ->
              "next " + driverCall() + " " + driverFailure().name().toLowerCase();
          case DATABASE_FAILS -> "next \"" + statement() + "\" fails " + when();
          case SINK_FAILS -> "next notification: sink throws " + (arg == 0 ? "exception" : "error");
          default -> kind.label + " n" + node;
        };
    return "client " + client + ": " + what;
  }
}
