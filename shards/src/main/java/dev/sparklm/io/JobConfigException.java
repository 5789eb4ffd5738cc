package dev.sparklm.io;

/** A configuration problem the user must fix; its message names the key or file. */
public final class JobConfigException extends RuntimeException {
    public JobConfigException(String message) {
        super(message);
    }
}
