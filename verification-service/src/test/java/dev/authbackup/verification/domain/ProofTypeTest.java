package dev.authbackup.verification.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.authbackup.common.problem.ProblemException;
import org.junit.jupiter.api.Test;

/** Normalising and masking emails and phones. */
class ProofTypeTest {

    @Test
    void phonesAreNormalisedToE164AndMasked() {
        assertEquals("+15550100001", ProofType.phone.normalise("+1 (555) 010-0001"));
        assertEquals("+15550100001", ProofType.phone.normalise(" +1.555.010.0001 "));
        assertEquals("+1******0001", ProofType.phone.hint("+15550100001"));
        assertEquals("+4******0123", ProofType.phone.hint("+447700900123"));
        for (String bad : new String[] {"5550100001", "+0 555 010 0001", "+1 555 O10 0001", "+1234567890123456", "+12345", ""}) {
            assertThrows(ProblemException.class, () -> ProofType.phone.normalise(bad), bad);
        }
    }

    @Test
    void emailsAreLowercasedTrimmedAndMasked() {
        assertEquals("kate.smith@outlook.com", ProofType.email.normalise("  Kate.Smith@Outlook.COM "));
        assertEquals("ka******@outlook.com", ProofType.email.hint("karen@outlook.com"));
        assertEquals("a******@x.io", ProofType.email.hint("a@x.io"));
        for (String bad : new String[] {"kate", "kate@", "@outlook.com", "kate@outlook", "ka te@outlook.com", ""}) {
            assertThrows(ProblemException.class, () -> ProofType.email.normalise(bad), bad);
        }
        assertEquals("email", ProofType.email.channel());
        assertEquals("sms", ProofType.phone.channel());
    }
}
