package dev.authbackup.verification.domain;

import dev.authbackup.common.problem.Problems;
import java.util.Locale;
import java.util.regex.Pattern;

/** The kinds of security info (proofs): how a value is normalised, masked, and which channel reaches it. */
public enum ProofType {
    email("email") {
        @Override
        public String normalise(String raw) {
            String value = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
            if (value.length() > 254 || !EMAIL.matcher(value).matches()) {
                throw Problems.validation("value must be an email address such as name@example.com.");
            }
            return value;
        }

        @Override
        public String hint(String value) {
            int at = value.indexOf('@');
            return value.substring(0, Math.min(2, at)) + "******" + value.substring(at);
        }
    },
    phone("sms") {
        @Override
        public String normalise(String raw) {
            // "+1 (555) 010-0001" -> "+15550100001": spaces, dots, dashes and brackets are formatting.
            String value = raw == null ? "" : PHONE_FORMATTING.matcher(raw.trim()).replaceAll("");
            if (!E164.matcher(value).matches()) {
                throw Problems.validation("value must be a phone number in international form, such as +1 555 010 0001.");
            }
            return value;
        }

        @Override
        public String hint(String value) {
            return value.substring(0, 2) + "******" + value.substring(value.length() - 4);
        }
    };

    private static final Pattern EMAIL = Pattern.compile("^[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$");
    private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{6,14}$");
    private static final Pattern PHONE_FORMATTING = Pattern.compile("[\\s().\\-]");

    private final String channel;

    ProofType(String channel) {
        this.channel = channel;
    }

    /** The canonical form that is stored and compared; 422 when the input is not such a value. */
    public abstract String normalise(String raw);

    /** What the app may show: enough to recognise the value, not enough to learn it. */
    public abstract String hint(String normalised);

    /** The delivery channel on {@code verification.code-deliveries}. */
    public String channel() {
        return channel;
    }
}
