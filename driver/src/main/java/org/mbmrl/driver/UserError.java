package org.mbmrl.driver;

/**
 * A problem with the caller's input (config, dataset, checkpoint, command line) that the
 * CLI reports as one line naming the culprit, with exit code 2. Code that detects bad
 * input throws this or {@link IllegalArgumentException}; anything else is a bug.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
