package dev.authbackup.backup.rest;

import jakarta.validation.constraints.Min;

/** The optional body of {@code POST .../restore}: the version to make current again; absent = undelete. */
public record RestoreRequest(@Min(1) Integer version) {
}
