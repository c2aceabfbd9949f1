package dev.authbackup.backup.domain;

/** What kind of account a backup entry is; decides how recovery restores it. */
public enum EntryKind {
    personal, work_school, third_party
}
