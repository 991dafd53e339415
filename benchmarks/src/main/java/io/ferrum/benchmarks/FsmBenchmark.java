package io.ferrum.benchmarks;

import io.ferrum.fsm.FiredTransition;
import io.ferrum.fsm.MachineInstance;
import io.ferrum.fsm.ProvisionMachine;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * fsm-core against raw Squirrel on the same provision machine, in one run:
 *
 * <ul>
 *   <li>{@code fire*}: one event on one long-lived instance, cycling through a full deploy and
 *       undeploy (available, deploying, active, deleting, cleaning, available);
 *   <li>{@code create*}: a new instance from a persisted state, as a conductor does per task;
 *   <li>{@code createAndFire*}: a new instance plus its first event, the real per-task cost.
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar FsmBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class FsmBenchmark {

  private static final String[] CYCLE = {"deploy", "done", "delete", "clean", "done"};

  private MachineInstance ferrum;
  private RawSquirrelProvision.Machine squirrel;
  private int step;

  @Setup
  public void setUp() {
    ferrum = ProvisionMachine.DEFINITION.newInstance("available", null);
    squirrel = RawSquirrelProvision.BUILDER.newStateMachine("available");
    step = 0;
  }

  private String nextEvent() {
    String event = CYCLE[step];
    step = step + 1 == CYCLE.length ? 0 : step + 1;
    return event;
  }

  @Benchmark
  public FiredTransition fireFerrum() {
    return ferrum.fire(nextEvent());
  }

  @Benchmark
  public String fireSquirrel() {
    squirrel.fire(nextEvent(), null);
    return squirrel.getCurrentState();
  }

  @Benchmark
  public MachineInstance createFerrum() {
    return ProvisionMachine.DEFINITION.newInstance("available", null);
  }

  @Benchmark
  public RawSquirrelProvision.Machine createSquirrel() {
    return RawSquirrelProvision.BUILDER.newStateMachine("available");
  }

  @Benchmark
  public FiredTransition createAndFireFerrum() {
    return ProvisionMachine.DEFINITION.newInstance("available", null).fire("deploy");
  }

  @Benchmark
  public String createAndFireSquirrel() {
    RawSquirrelProvision.Machine machine =
        RawSquirrelProvision.BUILDER.newStateMachine("available");
    machine.fire("deploy", null);
    return machine.getCurrentState();
  }
}
