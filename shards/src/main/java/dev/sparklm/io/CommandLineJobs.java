package dev.sparklm.io;

import picocli.CommandLine;

/** Runs a picocli job command and maps failures to exit codes and one-line messages. */
public final class CommandLineJobs {
    /** Exit code for bad configuration or input: the user must fix something. */
    public static final int USAGE_ERROR = 2;
    /** What every command's --version prints. */
    public static final String VERSION = "sparklm 0.1.0";

    private CommandLineJobs() {}

    public static int execute(Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            Throwable bad = badInput(e);
            if (bad != null) {
                commandLine.getErr().println("error: " + bad.getMessage());
                return USAGE_ERROR;
            }
            throw e;
        });
        return cl.execute(args);
    }

    /**
     * The bad-configuration or bad-input error behind {@code e}, or null: an executor's check
     * (a shard with an id outside the vocabulary, say) reaches the driver wrapped in Spark's
     * "Job aborted" exception, and the user should read the check's message, not Spark's.
     */
    public static Throwable badInput(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JobConfigException || t instanceof IllegalArgumentException) {
                return t;
            }
        }
        return null;
    }
}
