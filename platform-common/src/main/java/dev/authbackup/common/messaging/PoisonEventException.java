package dev.authbackup.common.messaging;

/** A message that can never be processed (not a CloudEvent, unreadable data): dead-letter it, do not retry. */
public class PoisonEventException extends RuntimeException {

    public PoisonEventException(String reason) {
        super(reason, null, false, false);
    }
}
