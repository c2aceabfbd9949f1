package dev.authbackup.common.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class AccountIdTest {

    @Test
    void theSameSubjectAtAnotherIssuerIsAnotherAccount() {
        assertNotEquals(new AccountId("https://a.example", "u1").value(), new AccountId("https://b.example", "u1").value());
    }

    @Test
    void logsShowADigestNeverTheSubject() {
        AccountId id = new AccountId("https://a.example/realms/x", "5af68f15-alice");
        assertEquals(12, id.logId().length());
        assertFalse(id.toString().contains("5af68f15"));
        assertEquals(id.logId(), AccountId.logId(id.value()));
    }
}
