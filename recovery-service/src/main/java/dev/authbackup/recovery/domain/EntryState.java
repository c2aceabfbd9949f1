package dev.authbackup.recovery.domain;

/**
 * An entry's progress. States only move forward (by {@link #rank()}), so events that arrive twice or
 * out of order (a push key registered before the download was reported) cannot move an entry back.
 */
public enum EntryState {
    pending(0), awaiting_verification(1), awaiting_device_credential(1), verified(2), restored(3);

    private final int rank;

    EntryState(int rank) {
        this.rank = rank;
    }

    public int rank() {
        return rank;
    }

    public boolean isBefore(EntryState other) {
        return rank < other.rank;
    }
}
