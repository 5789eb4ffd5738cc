package dev.sparklm.io;

import picocli.CommandLine;

/** Runs a picocli job command and maps failures to exit codes and one-line messages. */
public final class CommandLineJobs {
    /** Exit code for bad configuration or input: the user must fix something. */
    public static final int USAGE_ERROR = 2;

    private CommandLineJobs() {}

    public static int execute(Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof JobConfigException || e instanceof IllegalArgumentException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return USAGE_ERROR;
            }
            throw e;
        });
        return cl.execute(args);
    }
}
