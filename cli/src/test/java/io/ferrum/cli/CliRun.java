package io.ferrum.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the {@code ferrum} command: its exit code, standard output and error. */
record CliRun(int code, String out, String err) {

  /** Runs {@code ferrum args...}. */
  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Ferrum.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new CliRun(code, out.toString(), err.toString());
  }

  /** Runs {@code ferrum args... --url url}: a client command against the server at {@code url}. */
  static CliRun against(String url, String... args) {
    String[] full = new String[args.length + 2];
    System.arraycopy(args, 0, full, 0, args.length);
    full[args.length] = "--url";
    full[args.length + 1] = url;
    return of(full);
  }
}
