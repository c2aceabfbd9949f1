package dev.authbackup.notification.delivery;

/** A delivery that failed for now (gateway 5xx or 429, timeout, connection refused): worth retrying. */
public class TransientDeliveryException extends RuntimeException {

    public TransientDeliveryException(String reason) {
        super(reason, null, false, false);
    }
}
