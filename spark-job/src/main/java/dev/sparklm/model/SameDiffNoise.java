package dev.sparklm.model;

import java.io.PrintStream;

/**
 * DL4J 1.0.0-M2.1 prints "Added differentiated op ..." to System.out (not a logger) every time a
 * network with SameDiff layers builds its gradient graph: for every worker, every averaging
 * round. This drops exactly those lines from standard output and nothing else.
 */
public final class SameDiffNoise {
    private static final String NOISE = "Added differentiated op ";

    private SameDiffNoise() {}

    /** Idempotent; call in the driver and in each executor before SameDiff layers run. */
    public static synchronized void silence() {
        if (!(System.out instanceof Filter)) {
            System.setOut(new Filter(System.out));
        }
    }

    private static final class Filter extends PrintStream {
        Filter(PrintStream out) {
            super(out, true);
        }

        @Override
        public void println(String line) {
            if (line == null || !line.startsWith(NOISE)) {
                super.println(line);
            }
        }
    }
}
