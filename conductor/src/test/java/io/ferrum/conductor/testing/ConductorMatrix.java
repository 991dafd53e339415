package io.ferrum.conductor.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.conductor.Notification;
import io.ferrum.fsm.ProvisionMachine;
import java.util.HashMap;
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
 *   <li>no reservation is left on any node;
 *   <li>every provision state change has its history row: a node whose state changed has history,
 *       and its newest transition row ends in the node's current state;
 *   <li>every {@code start} notification has its {@code end} or {@code error}: provision starts of
 *       nodes resting in a stable state, and every power start.
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
              ConductorEnv env = new ConductorEnv(database, pool);
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
    List<Map<String, Object>> nodes =
        env.jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT id, uuid, provision_state, reservation,"
                                + " provision_updated_at, created_at FROM nodes")
                        .mapToMap()
                        .list());
    for (Map<String, Object> node : nodes) {
      String uuid = (String) node.get("uuid");
      assertThat(node.get("reservation")).as("reservation left on node %s", uuid).isNull();
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
            .isEqualTo(node.get("provision_state"));
      }
      checkNotifications(env.notifications().forNode(uuid), (String) node.get("provision_state"));
    }
  }

  private static void checkNotifications(List<Notification> notifications, String state) {
    Map<String, Boolean> open = new HashMap<>();
    for (Notification n : notifications) {
      String action = n.eventType().replace("baremetal.node.", "");
      action = action.substring(0, action.lastIndexOf('.'));
      if (!action.equals("provision_set") && !action.equals("power_set")) {
        continue;
      }
      switch (n.status()) {
        case "start" -> {
          assertThat(open.getOrDefault(action, false))
              .as("%s started twice without an end: %s", action, notifications)
              .isFalse();
          open.put(action, true);
        }
        case "end", "error" -> open.put(action, false);
        default -> {}
      }
    }
    assertThat(open.getOrDefault("power_set", false))
        .as("power_set.start without end or error: %s", notifications)
        .isFalse();
    if (ProvisionMachine.DEFINITION.isStable(state)) {
      assertThat(open.getOrDefault("provision_set", false))
          .as("provision_set.start without end or error, node in %s: %s", state, notifications)
          .isFalse();
    }
  }
}
