package io.ferrum.cli;

import io.ferrum.cli.client.ClientException;
import io.ferrum.fsm.export.ExportFormat;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ferrum} command. Subcommands are thin classes, each in its own file; exit codes and
 * error output are decided here, once.
 *
 * <p>Exit codes: 0 success, 1 the command failed, 2 the command line (or the request it sent) is
 * wrong, 3 the node was not found, 4 a conflict (the node is locked or busy, or a name is taken), 5
 * the server asks to retry later (see {@link ClientException#exitCode()}).
 */
@Command(
    name = "ferrum",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "Ferrum: an Ironic-style state-machine conductor for bare-metal and virtual machines.",
    subcommands = {
      ServeCommand.class,
      NodeCommand.class,
      FsmCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Ferrum implements Runnable {

  /** The command line was wrong: unknown option, bad value, missing argument. */
  public static final int EXIT_USAGE = 2;

  /** The command ran and failed. */
  public static final int EXIT_FAILURE = 1;

  /** Options of {@link NodeVerbCommand} that only one verb takes: option, verb. */
  private static final String[][] VERB_ONLY_OPTIONS = {
    {"--clean-steps", "clean"}, {"--rescue-password", "rescue"}
  };

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing a command");
  }

  /** Runs {@code ferrum} with {@code args} and returns its exit code. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = newCommandLine();
    commandLine.setOut(out);
    commandLine.setErr(err);
    return commandLine.execute(args);
  }

  /** The configured command line: lenient enum case, one-line errors, exit codes mapped. */
  static CommandLine newCommandLine() {
    CommandLine commandLine = new CommandLine(new Ferrum());
    CommandLine node = commandLine.getSubcommands().get("node");
    for (String[] verb : NodeCommand.VERBS) {
      CommandLine sub = new CommandLine(new NodeVerbCommand(verb[1], verb[2]));
      sub.getCommandSpec()
          .usageMessage()
          .description(
              "Request '"
                  + verb[1]
                  + "' for one or more nodes (several make one bulk request)"
                  + (verb[2] == null ? "." : "; with --wait, wait until each is " + verb[2] + "."));
      // Each step or password option belongs to one verb; the others do not offer it.
      for (String[] only : VERB_ONLY_OPTIONS) {
        if (!only[1].equals(verb[0])) {
          sub.getCommandSpec().remove(sub.getCommandSpec().findOption(only[0]));
        }
      }
      node.addSubcommand(verb[0], sub);
    }
    giveVersion(commandLine);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.registerConverter(ExportFormat.class, Ferrum::exportFormat);
    commandLine.registerConverter(BuiltInMachine.class, Ferrum::builtInMachine);
    commandLine.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine failed = e.getCommandLine();
          failed
              .getErr()
              .println(
                  failed.getCommandSpec().qualifiedName()
                      + ": "
                      // picocli's own wording for a malformed map entry says "option option".
                      + e.getMessage().replace("option option '", "option '")
                      + " (see '"
                      + failed.getCommandSpec().qualifiedName()
                      + " --help')");
          return EXIT_USAGE;
        });
    commandLine.setExecutionExceptionHandler(
        (e, failed, parseResult) -> {
          failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + e.getMessage());
          return e instanceof ClientException client ? client.exitCode() : EXIT_FAILURE;
        });
    return commandLine;
  }

  /** {@code -V} on any subcommand prints what {@code ferrum -V} prints. */
  private static void giveVersion(CommandLine commandLine) {
    CommandLine.Model.CommandSpec spec = commandLine.getCommandSpec();
    if (spec.versionProvider() == null && spec.version().length == 0) {
      spec.versionProvider(new VersionProvider());
    }
    commandLine.getSubcommands().values().forEach(Ferrum::giveVersion);
  }

  private static ExportFormat exportFormat(String name) {
    return ExportFormat.fromName(name)
        .orElseThrow(() -> badChoice(name, Arrays.asList(ExportFormat.values())));
  }

  private static BuiltInMachine builtInMachine(String name) {
    for (BuiltInMachine machine : BuiltInMachine.values()) {
      if (machine.toString().equalsIgnoreCase(name)) {
        return machine;
      }
    }
    throw badChoice(name, Arrays.asList(BuiltInMachine.values()));
  }

  private static CommandLine.TypeConversionException badChoice(String value, List<?> choices) {
    return new CommandLine.TypeConversionException(
        "expected one of "
            + choices.stream().map(String::valueOf).collect(Collectors.joining(", "))
            + " but was '"
            + value
            + "'");
  }

  /** Entry point. */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int code = execute(args, out, err);
    out.flush();
    err.flush();
    System.exit(code);
  }
}
