package dev.authbackup.common.problem;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A failure that the client must see as an RFC 9457 problem: every domain exception is one of these.
 *
 * <p>The message (detail) is shown to the client, so it must never carry a secret, a code or a key.
 */
public class ProblemException extends RuntimeException {

    private static final Set<String> RFC_9457_MEMBERS = Set.of("type", "title", "status", "detail", "instance");

    private final String type;
    private final int status;
    private final String title;
    private final Map<String, Object> extensions = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();

    /**
     * @param type   the short problem name; rendered as {@code https://authbackup.dev/problems/<type>}
     * @param status the HTTP status
     * @param title  a short, stable summary of the cause
     * @param detail what happened in this occurrence, safe to show to the user
     */
    public ProblemException(String type, int status, String title, String detail) {
        super(detail, null, false, false);
        this.type = type;
        this.status = status;
        this.title = title;
    }

    /** Adds an extension member (e.g. {@code currentVersion}) to the problem body. */
    public ProblemException with(String member, Object value) {
        if (RFC_9457_MEMBERS.contains(member)) { // an extension may not replace one of the standard members
            throw new IllegalArgumentException("'" + member + "' is a member RFC 9457 defines");
        }
        extensions.put(member, value);
        return this;
    }

    /** Adds a response header (e.g. {@code Retry-After}, {@code WWW-Authenticate}). */
    public ProblemException withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public String type() {
        return type;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public Map<String, Object> extensions() {
        return extensions;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
