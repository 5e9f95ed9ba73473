package dev.vigil.controls;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.ScanCategory;
import dev.vigil.schemas.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A versioned set of controls. The version is the human version string of the built-in catalog
 * plus a hash of the effective content (every control's definition and parameters after user
 * overrides), so two deployments report the same version exactly when they evaluate the same
 * controls. Every verdict records it.
 *
 * <p>Catalog files are YAML: {@code controls:} a list of control definitions (see {@link
 * Control}). A user file entry whose id names an existing control overrides the fields it sets
 * (parameters key by key; an unknown parameter is refused) or removes it with {@code disabled:
 * true}; any other id must be a complete control. Every problem is refused at load with file, line
 * and reason ({@link CatalogException}).
 */
public final class ControlCatalog {

    static final String BUILT_IN_DIR = "dev/vigil/controls/catalog/";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private static final Pattern PARAM_REF = Pattern.compile("\\bparams\\.([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern ID = Pattern.compile("[A-Z][A-Z0-9]*-[0-9A-Z]+");

    private final String version;
    private final String humanVersion;
    private final List<Control> controls;
    private final Map<String, CompiledControl> compiled;

    private ControlCatalog(String humanVersion, List<Control> controls, Map<String, CompiledControl> compiled) {
        this.humanVersion = humanVersion;
        this.controls = List.copyOf(controls);
        this.compiled = Map.copyOf(compiled);
        this.version = controls.isEmpty() ? humanVersion : humanVersion + "+" + contentHash(this.controls);
    }

    public static ControlCatalog empty() {
        return new ControlCatalog("0", List.of(), Map.of());
    }

    /** The catalog shipped with Vigil ({@code src/main/resources/dev/vigil/controls/catalog/}). */
    public static ControlCatalog builtIn() {
        return load(List.of());
    }

    /** The built-in catalog with the user's files applied in order. */
    public static ControlCatalog load(List<Path> userFiles) {
        Index index = readIndex();
        Map<String, Draft> drafts = new LinkedHashMap<>();
        for (String file : index.files()) {
            String name = BUILT_IN_DIR + file;
            try (InputStream in = resource(name)) {
                apply(drafts, name, in.readAllBytes(), false);
            } catch (IOException e) {
                throw new CatalogException(name, 0, "cannot read: " + e.getMessage());
            }
        }
        for (Path file : userFiles) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw CatalogException.of(file, 0, "cannot read: " + e.getMessage());
            }
            apply(drafts, file.toString(), bytes, true);
        }
        List<Control> controls = new ArrayList<>();
        Map<String, CompiledControl> compiled = new TreeMap<>();
        drafts.values().stream()
                .filter(d -> !d.disabled)
                .sorted(java.util.Comparator.comparing(d -> d.spec.id))
                .forEach(d -> {
                    Control c = d.toControl();
                    controls.add(c);
                    compiled.put(c.id(), compile(c, d));
                });
        return new ControlCatalog(index.version(), controls, compiled);
    }

    public String version() {
        return version;
    }

    /** The catalog's human version string, without the content hash. */
    public String humanVersion() {
        return humanVersion;
    }

    public List<Control> controls() {
        return controls;
    }

    List<CompiledControl> compiled() {
        return controls.stream().map(c -> compiled.get(c.id())).toList();
    }

    // ---------------------------------------------------------------- loading

    record Index(String version, List<String> files) {}

    private static Index readIndex() {
        String name = BUILT_IN_DIR + "index.yaml";
        try (InputStream in = resource(name)) {
            return YAML.readValue(in, Index.class);
        } catch (IOException e) {
            throw new CatalogException(name, 0, "cannot read the catalog index: " + e.getMessage());
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = ControlCatalog.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("not on the classpath");
        }
        return in;
    }

    /** One control entry as written; every field optional so that a user file can patch a built-in. */
    record Spec(
            @JsonProperty("id") String id,
            @JsonProperty("title") String title,
            @JsonProperty("rationale") String rationale,
            @JsonProperty("requirements") List<String> requirements,
            @JsonProperty("severity") String severity,
            @JsonProperty("appliesTo") List<String> appliesTo,
            @JsonProperty("parameters") Map<String, Object> parameters,
            @JsonProperty("forEach") String forEach,
            @JsonProperty("subjectKey") String subjectKey,
            @JsonProperty("applicable") String applicable,
            @JsonProperty("notApplicableReason") String notApplicableReason,
            @JsonProperty("pending") String pending,
            @JsonProperty("deadline") String deadline,
            @JsonProperty("condition") String condition,
            @JsonProperty("passReason") String passReason,
            @JsonProperty("failReason") String failReason,
            @JsonProperty("disabled") Boolean disabled) {}

    /** A control being assembled from the built-in entry and user patches, remembering where each came from. */
    private static final class Draft {
        Spec spec;
        String file;
        int line;
        boolean disabled;
        Map<String, Integer> fieldLines = Map.of();
        final Map<String, Object> parameters = new LinkedHashMap<>();

        Control toControl() {
            return new Control(
                    spec.id,
                    spec.title,
                    spec.rationale,
                    spec.requirements,
                    Severity.valueOf(spec.severity),
                    spec.appliesTo,
                    parameters,
                    spec.forEach,
                    spec.subjectKey,
                    spec.applicable,
                    spec.notApplicableReason,
                    spec.pending,
                    spec.deadline,
                    spec.condition,
                    Objects.requireNonNullElse(spec.passReason, "requirement met"),
                    Objects.requireNonNullElse(spec.failReason, "requirement not met"),
                    file + ":" + line);
        }
    }

    private static void apply(Map<String, Draft> drafts, String file, byte[] bytes, boolean user) {
        try (JsonParser p = YAML.getFactory().createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new CatalogException(file, line(p.currentTokenLocation()), "expected a mapping with 'controls:'");
            }
            boolean sawControls = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                int fieldLine = line(p.currentTokenLocation());
                p.nextToken();
                if (!field.equals("controls")) {
                    throw new CatalogException(file, fieldLine, "unknown field '" + field + "' (expected 'controls')");
                }
                if (p.currentToken() != JsonToken.START_ARRAY) {
                    throw new CatalogException(file, fieldLine, "'controls' must be a list");
                }
                sawControls = true;
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    int line = line(p.currentTokenLocation());
                    if (t != JsonToken.START_OBJECT) {
                        throw new CatalogException(file, line, "each entry of 'controls' must be a mapping");
                    }
                    Map<String, Integer> fieldLines = new LinkedHashMap<>();
                    com.fasterxml.jackson.databind.node.ObjectNode node = YAML.createObjectNode();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        int nameLine = line(p.currentTokenLocation());
                        if (!SPEC_FIELDS.contains(name)) {
                            throw new CatalogException(
                                    file,
                                    nameLine,
                                    "unknown field '" + name + "' (known: " + String.join(", ", SPEC_FIELDS) + ")");
                        }
                        fieldLines.put(name, nameLine);
                        p.nextToken();
                        node.set(name, YAML.readTree(p));
                    }
                    Spec spec;
                    try {
                        spec = YAML.treeToValue(node, Spec.class);
                    } catch (JsonProcessingException e) {
                        String bad = e instanceof com.fasterxml.jackson.databind.JsonMappingException m
                                        && !m.getPath().isEmpty()
                                ? m.getPath().getFirst().getFieldName()
                                : null;
                        throw new CatalogException(
                                file,
                                bad != null && fieldLines.containsKey(bad) ? fieldLines.get(bad) : line,
                                (bad == null ? "" : "field '" + bad + "': ") + e.getOriginalMessage());
                    }
                    merge(drafts, file, line, spec, user, fieldLines);
                }
            }
            if (!sawControls) {
                throw new CatalogException(file, 1, "missing field 'controls'");
            }
        } catch (CatalogException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw new CatalogException(file, line(e.getLocation()), e.getOriginalMessage());
        } catch (IOException e) {
            throw new CatalogException(file, 0, "cannot read: " + e.getMessage());
        }
    }

    private static int line(JsonLocation location) {
        return location == null ? 0 : location.getLineNr();
    }

    private static final List<String> SPEC_FIELDS = java.util.Arrays.stream(Spec.class.getRecordComponents())
            .map(java.lang.reflect.RecordComponent::getName)
            .toList();

    private static void merge(
            Map<String, Draft> drafts,
            String file,
            int line,
            Spec spec,
            boolean user,
            Map<String, Integer> fieldLines) {
        if (spec.id == null || spec.id.isBlank()) {
            throw new CatalogException(file, line, "missing field 'id'");
        }
        if (!ID.matcher(spec.id).matches()) {
            throw new CatalogException(file, line, "id '" + spec.id + "' must look like CM-01 (letters, dash, digits)");
        }
        Draft existing = drafts.get(spec.id);
        if (existing != null && !user) {
            throw new CatalogException(file, line, "duplicate control id '" + spec.id + "'");
        }
        Draft d;
        if (existing == null) {
            if (Boolean.TRUE.equals(spec.disabled)) {
                throw new CatalogException(file, line, "cannot disable unknown control '" + spec.id + "'");
            }
            for (String[] required : new String[][] {
                {"title", spec.title},
                {"rationale", spec.rationale},
                {"severity", spec.severity},
                {"subjectKey", spec.subjectKey},
                {"condition", spec.condition}
            }) {
                if (required[1] == null || required[1].isBlank()) {
                    throw new CatalogException(
                            file, line, "control " + spec.id + ": missing field '" + required[0] + "'");
                }
            }
            if (spec.requirements == null || spec.requirements.isEmpty()) {
                throw new CatalogException(file, line, "control " + spec.id + ": missing field 'requirements'");
            }
            if (spec.appliesTo == null || spec.appliesTo.isEmpty()) {
                throw new CatalogException(file, line, "control " + spec.id + ": missing field 'appliesTo'");
            }
            d = new Draft();
            d.spec = spec;
            if (spec.parameters != null) {
                spec.parameters.forEach((k, v) -> d.parameters.put(k, normalize(v)));
            }
        } else {
            d = existing;
            Spec b = existing.spec;
            if (spec.parameters != null) {
                for (Map.Entry<String, Object> e : spec.parameters.entrySet()) {
                    if (!d.parameters.containsKey(e.getKey())) {
                        throw new CatalogException(
                                file,
                                fieldLines.getOrDefault("parameters", line),
                                "control " + spec.id + ": unknown parameter '" + e.getKey() + "' (known: "
                                        + String.join(", ", d.parameters.keySet()) + ")");
                    }
                    d.parameters.put(e.getKey(), normalize(e.getValue()));
                }
            }
            d.spec = new Spec(
                    b.id,
                    or(spec.title, b.title),
                    or(spec.rationale, b.rationale),
                    or(spec.requirements, b.requirements),
                    or(spec.severity, b.severity),
                    or(spec.appliesTo, b.appliesTo),
                    null,
                    or(spec.forEach, b.forEach),
                    or(spec.subjectKey, b.subjectKey),
                    or(spec.applicable, b.applicable),
                    or(spec.notApplicableReason, b.notApplicableReason),
                    or(spec.pending, b.pending),
                    or(spec.deadline, b.deadline),
                    or(spec.condition, b.condition),
                    or(spec.passReason, b.passReason),
                    or(spec.failReason, b.failReason),
                    null);
        }
        d.file = file;
        d.line = line;
        d.fieldLines = fieldLines;
        d.disabled = Boolean.TRUE.equals(spec.disabled);
        validate(d);
        drafts.put(spec.id, d);
    }

    private static <T> T or(T override, T base) {
        return override != null ? override : base;
    }

    private static void validate(Draft d) {
        Spec s = d.spec;
        String where = "control " + s.id + ": ";
        try {
            Severity.valueOf(s.severity);
        } catch (IllegalArgumentException e) {
            throw new CatalogException(
                    d.file,
                    d.fieldLines.getOrDefault("severity", d.line),
                    where + "unknown severity '" + s.severity + "' (one of "
                            + java.util.Arrays.toString(Severity.values()) + ")");
        }
        for (String r : s.requirements) {
            if (!r.matches("(SOC2|GDPR|NIST|CIS|ISO27001):\\S+")) {
                throw new CatalogException(
                        d.file,
                        d.fieldLines.getOrDefault("requirements", d.line),
                        where + "requirement '" + r + "' must be FRAMEWORK:ref, e.g. SOC2:CC8.1");
            }
        }
        for (String a : s.appliesTo) {
            if (!validTrigger(a)) {
                throw new CatalogException(
                        d.file,
                        d.fieldLines.getOrDefault("appliesTo", d.line),
                        where + "appliesTo '" + a + "' is neither a PipelineEventKind, scan:<ScanCategory> nor timer");
            }
        }
        for (String[] expr : expressions(s)) {
            if (expr[1] == null) {
                continue;
            }
            // An expression inherited from the built-in entry is reported at the patch's line.
            int exprLine = d.fieldLines.getOrDefault(expr[0], d.line);
            Matcher m = PARAM_REF.matcher(expr[1]);
            while (m.find()) {
                if (!d.parameters.containsKey(m.group(1))) {
                    throw new CatalogException(
                            d.file, exprLine, where + expr[0] + ": unknown parameter 'params." + m.group(1) + "'");
                }
            }
            var unknown = ViewFields.unknownField(expr[1]);
            if (unknown.isPresent()) {
                throw new CatalogException(d.file, exprLine, where + expr[0] + ": " + unknown.get());
            }
            Cel.Compiled c = Cel.compile(expr[1], Cel.Role.valueOf(expr[2]));
            if (c.error() != null) {
                throw new CatalogException(d.file, exprLine, where + expr[0] + " does not compile: " + c.error());
            }
        }
    }

    private static String[][] expressions(Spec s) {
        return new String[][] {
            {"forEach", s.forEach, "LIST"},
            {"subjectKey", s.subjectKey, "STRING"},
            {"applicable", s.applicable, "BOOL"},
            {"pending", s.pending, "BOOL"},
            {"deadline", s.deadline, "ANY"},
            {"condition", s.condition, "BOOL"}
        };
    }

    private static boolean validTrigger(String a) {
        if (a.equals("timer")) {
            return true;
        }
        try {
            if (a.startsWith("scan:")) {
                ScanCategory.valueOf(a.substring(5));
            } else {
                PipelineEventKind.valueOf(a);
            }
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static CompiledControl compile(Control c, Draft d) {
        Spec s = d.spec;
        return new CompiledControl(
                c,
                program(s.forEach, Cel.Role.LIST),
                program(s.subjectKey, Cel.Role.STRING),
                program(s.applicable, Cel.Role.BOOL),
                program(s.pending, Cel.Role.BOOL),
                program(s.deadline, Cel.Role.ANY),
                program(s.condition, Cel.Role.BOOL));
    }

    private static dev.cel.runtime.CelRuntime.Program program(String expression, Cel.Role role) {
        return expression == null ? null : Cel.compile(expression, role).program();
    }

    /** CEL integers are longs: YAML's ints become longs so that {@code params.n > 3} type-checks at runtime. */
    private static Object normalize(Object v) {
        if (v instanceof Integer i) {
            return i.longValue();
        }
        if (v instanceof List<?> l) {
            return l.stream().map(ControlCatalog::normalize).toList();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, val) -> out.put(String.valueOf(k), normalize(val)));
            return out;
        }
        return v;
    }

    private static String contentHash(List<Control> controls) {
        try {
            List<Map<String, Object>> canonical = new ArrayList<>();
            for (Control c : controls) {
                Map<String, Object> m =
                        CANONICAL.convertValue(c, new com.fasterxml.jackson.core.type.TypeReference<>() {});
                // Where a definition came from is not what it says: moving a file must not change the version.
                m.remove("source");
                canonical.add(m);
            }
            byte[] bytes = CANONICAL.writeValueAsBytes(canonical);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash the catalog", e);
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
