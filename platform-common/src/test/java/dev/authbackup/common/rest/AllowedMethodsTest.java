package dev.authbackup.common.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllowedMethodsTest {

    @Path("/v1/things/{kind}")
    public static class Things {
        @GET
        public void list() {
        }

        @PUT
        public void replace() {
        }

        @DELETE
        @Path("/{id}")
        public void remove() {
        }

        @POST
        @Path("/{id: [0-9]+}/answers")
        public void answer() {
        }

        @GET
        @Path("/{id}/qr.png")
        public void image() {
        }

        public void notAnEndpoint() {
        }
    }

    @Path("/v1/time/")
    public static class Time {
        @GET
        public void now() {
        }
    }

    private final AllowedMethods allowed = AllowedMethods.of(List.of(Things.class, Time.class));

    @Test
    void aPathListsItsOwnMethodsWithHeadBesideGetAndOptionsAlways() {
        assertEquals("GET, HEAD, OPTIONS, PUT", allowed.allow("/v1/things/ios"));
        assertEquals("GET, HEAD, OPTIONS", allowed.allow("/v1/time"));
        assertEquals("GET, HEAD, OPTIONS", allowed.allow("/v1/time/"));
    }

    @Test
    void aParameterIsOneSegmentOrWhatItsRegexAllows() {
        assertEquals("DELETE, OPTIONS", allowed.allow("/v1/things/ios/42"));
        assertEquals("OPTIONS, POST", allowed.allow("/v1/things/ios/42/answers"));
        // The answers' id must be digits; a DELETE's id is any one segment.
        assertEquals("", allowed.allow("/v1/things/ios/abc/answers"));
        assertEquals("", allowed.allow("/v1/things/ios/42/43"));
    }

    @Test
    void anUnknownPathHasNoMethodsAndLiteralTextIsNotARegex() {
        assertEquals("", allowed.allow("/v1/nothing"));
        assertEquals("", allowed.allow("/v1/timex"));
        assertEquals("GET, HEAD, OPTIONS", allowed.allow("/v1/things/ios/42/qr.png"));
        assertEquals("", allowed.allow("/v1/things/ios/42/qrXpng"));
    }
}
