package dev.sparklm.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The jobs' own JSON files (manifest.json, state.json): records as indented snake_case objects. */
public final class SnakeCaseJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private SnakeCaseJson() {}

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param source the file, and {@code what} it should hold, for the error message
     * @throws IllegalArgumentException naming both when the JSON does not parse or fit
     */
    public static <T> T read(String json, Class<T> type, String source, String what) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not a valid " + what + ": " + e.getOriginalMessage());
        }
    }
}
