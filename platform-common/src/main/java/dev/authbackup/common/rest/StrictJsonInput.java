package dev.authbackup.common.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;

/**
 * The JSON mapper of the REST layer: the application's, but strict about what a request body may hold, so that bad
 * input is a 400 problem rather than a value taken as something else or a failure further in.
 * <ul>
 * <li>A value of the wrong type is refused, not coerced: {@code "deviceName": 5} is not the text "5", {@code
 * "code": 12345678} is not the code "12345678", {@code "version": "3"} is not 3, {@code "approve": 1} is not true.
 * <li>No string may hold U+0000: PostgreSQL cannot store it in text, and no field of the API needs it.
 * </ul>
 * Only the REST layer uses it; events are written and read with the application's mapper, unchanged.
 */
@Provider
public class StrictJsonInput implements ContextResolver<ObjectMapper> {

    private final ObjectMapper strict;

    public StrictJsonInput(ObjectMapper application) {
        this.strict = strict(application.copy());
    }

    static ObjectMapper strict(ObjectMapper mapper) {
        refuse(mapper, LogicalType.Textual, CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean);
        refuse(mapper, LogicalType.Integer, CoercionInputShape.String, CoercionInputShape.Float,
                CoercionInputShape.Boolean);
        refuse(mapper, LogicalType.Float, CoercionInputShape.String, CoercionInputShape.Boolean);
        refuse(mapper, LogicalType.Boolean, CoercionInputShape.String, CoercionInputShape.Integer,
                CoercionInputShape.Float);
        refuse(mapper, LogicalType.Enum, CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean);
        mapper.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS); // "kind": "0" is not the first kind either
        return mapper.registerModule(new SimpleModule("strict-strings").addDeserializer(String.class, new NoNul()));
    }

    private static void refuse(ObjectMapper mapper, LogicalType target, CoercionInputShape... shapes) {
        for (CoercionInputShape shape : shapes) {
            mapper.coercionConfigFor(target).setCoercion(shape, CoercionAction.Fail);
        }
    }

    @Override
    public ObjectMapper getContext(Class<?> type) {
        return strict;
    }

    /** Jackson's own string reading, then a refusal of U+0000. */
    static final class NoNul extends StdScalarDeserializer<String> {

        NoNul() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String value = StringDeserializer.instance.deserialize(parser, context);
            if (value != null && value.indexOf('\u0000') >= 0) {
                throw InvalidFormatException.from(parser, "A string may not contain U+0000.", null, String.class);
            }
            return value;
        }
    }
}
