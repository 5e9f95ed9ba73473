package dev.vigil.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.serde.SchemaHistory;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaCompatibilityTest {

    static Stream<String> records() {
        return SchemaHistory.RECORDS.stream();
    }

    private static Schema current(String name) throws ClassNotFoundException {
        return SpecificData.get().getSchema(Class.forName("dev.vigil.schemas." + name));
    }

    @ParameterizedTest
    @MethodSource("records")
    void everyRecordHasAtLeastOneReleasedVersion(String name) {
        assertThat(SchemaHistory.released(name))
                .as("released versions of %s", name)
                .isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("records")
    void currentSchemaReadsEveryReleasedVersion(String name) throws Exception {
        Schema reader = current(name);
        for (Schema writer : SchemaHistory.released(name)) {
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
                            .getType())
                    .as("current %s reading a released writer", name)
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @ParameterizedTest
    @MethodSource("records")
    void everyReleasedVersionReadsTheCurrentSchema(String name) throws Exception {
        Schema writer = current(name);
        for (Schema reader : SchemaHistory.released(name)) {
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
                            .getType())
                    .as("released %s reading the current writer", name)
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @ParameterizedTest
    @MethodSource("records")
    void theNewestReleasedVersionIsTheCurrentSchema(String name) throws Exception {
        // A schema change must be released (copied as vN+1) in the same commit, so the decoder
        // knows the fingerprints of everything this build can write.
        List<Schema> released = SchemaHistory.released(name);
        assertThat(released.get(released.size() - 1)).isEqualTo(current(name));
    }

    @ParameterizedTest
    @MethodSource("records")
    void everyEnumHasADefaultSymbol(String name) throws Exception {
        assertEnumsHaveDefaults(current(name), new java.util.HashSet<>());
    }

    private static void assertEnumsHaveDefaults(Schema schema, java.util.Set<String> seen) {
        switch (schema.getType()) {
            case ENUM ->
                assertThat(schema.getEnumDefault())
                        .as("default symbol of enum %s", schema.getFullName())
                        .isNotNull();
            case RECORD -> {
                if (seen.add(schema.getFullName())) {
                    schema.getFields().forEach(f -> assertEnumsHaveDefaults(f.schema(), seen));
                }
            }
            case UNION -> schema.getTypes().forEach(t -> assertEnumsHaveDefaults(t, seen));
            case ARRAY -> assertEnumsHaveDefaults(schema.getElementType(), seen);
            case MAP -> assertEnumsHaveDefaults(schema.getValueType(), seen);
            default -> {}
        }
    }
}
