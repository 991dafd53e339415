package io.ferrum.conductor.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.conductor.Notification;
import io.ferrum.fsm.ProvisionMachine;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * The {@link ConductorTest} matrix. After each run it checks, before closing the cell:
 *
 * <ul>
 *   <li>no reservation is left on any node, and no node rests in a working state ({@code
 *       deploying}, {@code cleaning}, ...) or with a pending power change: no job runs any more;
 *   <li>every provision state change has its history row: a node whose state changed has history,
 *       and its newest transition row ends in the node's current state;
 *   <li>every provision state change has its notification, in order, none lost and none twice,
 *       ending where the node is; every power {@code start} has exactly one {@code end} or {@code
 *       error}, and none comes without its start.
 * </ul>
 */
public final class ConductorMatrix implements TestTemplateInvocationContextProvider {

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(ConductorMatrix.class);

  @Override
  public boolean supportsTestTemplate(ExtensionContext context) {
    return true;
  }

  @Override
  public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(
      ExtensionContext context) {
    return Stream.of(TestDatabases.Kind.values())
        .flatMap(
            db ->
                Stream.of(ConductorEnv.Pool.values())
                    .map(pool -> (TestTemplateInvocationContext) new Cell(db, pool)));
  }

  private record Cell(TestDatabases.Kind database, ConductorEnv.Pool pool)
      implements TestTemplateInvocationContext {

    @Override
    public String getDisplayName(int invocationIndex) {
      return database + ", " + pool;
    }

    @Override
    public List<Extension> getAdditionalExtensions() {
      return List.of(
          (ExecutionCondition)
              context -> {
                String reason =
                    database == TestDatabases.Kind.POSTGRES
                        ? TestDatabases.postgresUnavailable()
                        : null;
                if (reason == null) {
                  return ConditionEvaluationResult.enabled("database available");
                }
                if (TestDatabases.postgresRequired()) {
                  throw new IllegalStateException(
                      "PostgreSQL is required here (FERRUM_TEST_REQUIRE) but: " + reason);
                }
                return ConditionEvaluationResult.disabled(reason);
              },
          new ParameterResolver() {
            @Override
            public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
              return p.getParameter().getType() == ConductorEnv.class;
            }

            @Override
            public Object resolveParameter(ParameterContext p, ExtensionContext e) {
              boolean periodic =
                  e.getRequiredTestMethod().getAnnotation(ConductorTest.class).periodicTasks();
              ConductorEnv env = new ConductorEnv(database, pool, periodic);
              e.getStore(NS).put("env", env);
              return env;
            }
          },
          (AfterEachCallback)
              context -> {
                ConductorEnv env = context.getStore(NS).remove("env", ConductorEnv.class);
                if (env == null) {
                  return;
                }
                try (env) {
                  if (context.getExecutionException().isEmpty()) {
                    env.awaitIdle();
                    checkInvariants(env);
                  }
                }
              });
    }
  }

  static void checkInvariants(ConductorEnv env) {
    // Periodic tasks hold a node for a moment now and then: wait for them, not for leaks, which
    // recovery would have to repair (checked below).
    ConductorEnv.await(
        "every reservation released",
        () ->
            env.jdbi()
                    .withHandle(
                        h ->
                            h.createQuery(
                                    "SELECT COUNT(*) FROM nodes WHERE reservation IS NOT NULL")
                                .mapTo(Long.class)
                                .one())
                == 0);
    if (!env.repairsExpected()) {
      for (io.ferrum.conductor.Conductor conductor : env.conductors()) {
        assertThat(conductor.nodesRepaired())
            .as("nodes reservation recovery had to repair on %s", conductor.name())
            .isZero();
      }
    }
    List<Map<String, Object>> nodes =
        env.jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT id, uuid, provision_state, target_power_state, reservation,"
                                + " reservation_token, provision_updated_at, created_at FROM nodes")
                        .mapToMap()
                        .list());
    for (Map<String, Object> node : nodes) {
      String uuid = (String) node.get("uuid");
      String state = (String) node.get("provision_state");
      assertThat(node.get("reservation")).as("reservation left on node %s", uuid).isNull();
      assertThat(node.get("reservation_token")).as("token left on node %s", uuid).isNull();
      assertThat(ProvisionMachine.STUCK_STATES_TREATED_AS_FAIL.stream().map(s -> s.value()))
          .as("node %s rests in a working state with no job behind it", uuid)
          .doesNotContain(state);
      assertThat(node.get("target_power_state"))
          .as("node %s has a pending power change with no job behind it", uuid)
          .isNull();
      List<String> transitions =
          env.jdbi()
              .withHandle(
                  h ->
                      h.createQuery(
                              "SELECT to_state FROM node_history WHERE node_id = :id AND"
                                  + " event_type IN ('provisioning', 'fault') AND to_state IS NOT"
                                  + " NULL ORDER BY id")
                          .bind("id", node.get("id"))
                          .mapTo(String.class)
                          .list());
      boolean changed =
          !String.valueOf(node.get("provision_updated_at"))
              .equals(String.valueOf(node.get("created_at")));
      if (changed) {
        assertThat(transitions).as("history of state changes of node %s", uuid).isNotEmpty();
        assertThat(transitions.get(transitions.size() - 1))
            .as("newest transition row of node %s", uuid)
            .isEqualTo(state);
      }
      checkNotifications(env.notifications().forNode(uuid), state);
    }
  }

  /**
   * The node's notifications tell its whole story: each provision change follows from the one
   * before (none lost, none twice), the last one ends where the node is, and every power start has
   * exactly one end or error after it (none without a start).
   */
  public static void checkNotifications(List<Notification> notifications, String state) {
    String current = null;
    boolean powerOpen = false;
    for (Notification n : notifications) {
      String action = n.eventType().replace("baremetal.node.", "");
      action = action.substring(0, action.lastIndexOf('.'));
      if (action.equals("provision_set") && n.payload().containsKey("previous_provision_state")) {
        Object previous = n.payload().get("previous_provision_state");
        if (current != null) {
          assertThat(previous)
              .as(
                  "%s follows a change to \"%s\" (lost or repeated notification): %s",
                  n.eventType(), current, notifications)
              .isEqualTo(current);
        }
        current = (String) n.payload().get("provision_state");
      } else if (action.equals("power_set")) {
        switch (n.status()) {
          case "start" -> {
            assertThat(powerOpen)
                .as("power_set.start while another runs: %s", notifications)
                .isFalse();
            powerOpen = true;
          }
          case "end", "error" -> {
            assertThat(powerOpen)
                .as("power_set.%s without its start: %s", n.status(), notifications)
                .isTrue();
            powerOpen = false;
          }
          default -> {}
        }
      }
    }
    assertThat(powerOpen).as("power_set.start without end or error: %s", notifications).isFalse();
    if (current != null) {
      assertThat(current)
          .as("the last provision notification against the node's state: %s", notifications)
          .isEqualTo(state);
    }
  }
}
