package org.mbmrl.driver;

/**
 * A failure of the environment that is nobody's input (a Spark master that does not answer,
 * a cluster lost mid-job): the CLI reports its message as one line with exit code 1 and the
 * log file that holds the cause's stack trace.
 */
public class EnvironmentFailure extends RuntimeException {
    public EnvironmentFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
