package dev.authbackup.common.rest;

import java.util.Base64;

/**
 * Binary values in the API are standard base64 with padding (the contract's shared definitions). The JDK's decoder
 * also takes a value whose padding is missing; this one does not.
 */
public final class StrictBase64 {

    private StrictBase64() {
    }

    /** @throws IllegalArgumentException when the value is not standard base64 with padding */
    public static byte[] decode(String value) {
        if (value.length() % 4 != 0) {
            throw new IllegalArgumentException("not padded to a multiple of 4 characters");
        }
        return Base64.getDecoder().decode(value);
    }
}
