package dev.vigil.controls;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.CelVariableResolver;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;

/**
 * The CEL environment every control expression is compiled and evaluated in. Inputs and state are
 * handed over as plain maps (see {@link Views}), so expressions are type-checked for syntax,
 * declared variables, functions and result type; field names inside the maps are checked when
 * evaluated (a missing key is an ERROR verdict, never a silent pass).
 */
final class Cel {

    /** What an expression must produce, by role. */
    enum Role {
        BOOL(SimpleType.BOOL),
        STRING(SimpleType.STRING),
        LIST(ListType.create(SimpleType.DYN)),
        ANY(SimpleType.DYN);

        final CelType type;

        Role(CelType type) {
            this.type = type;
        }
    }

    static final String[] VARIABLES = {
        "event", "scan", "commit", "change", "artifact", "approval", "item", "state", "params", "now"
    };

    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .addFunctionBindings(CelFunctionBinding.from(
                    "addBusinessDays_timestamp_int", Instant.class, Long.class, Cel::addBusinessDays))
            .build();

    private static final Map<Role, CelCompiler> COMPILERS = Map.of(
            Role.BOOL, compiler(Role.BOOL),
            Role.STRING, compiler(Role.STRING),
            Role.LIST, compiler(Role.LIST),
            Role.ANY, compiler(Role.ANY));

    private Cel() {}

    private static CelCompiler compiler(Role role) {
        return CelCompilerFactory.standardCelCompilerBuilder()
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar("event", MapType.create(SimpleType.STRING, SimpleType.DYN))
                .addVar("scan", MapType.create(SimpleType.STRING, SimpleType.DYN))
                .addVar("commit", MapType.create(SimpleType.STRING, SimpleType.DYN))
                .addVar("change", MapType.create(SimpleType.STRING, SimpleType.DYN))
                .addVar("artifact", MapType.create(SimpleType.STRING, SimpleType.DYN))
                .addVar("approval", MapType.create(SimpleType.STRING, SimpleType.DYN))
                .addVar("item", SimpleType.DYN)
                .addVar("state", MapType.create(SimpleType.STRING, SimpleType.DYN))
                .addVar("params", MapType.create(SimpleType.STRING, SimpleType.DYN))
                .addVar("now", SimpleType.TIMESTAMP)
                .addFunctionDeclarations(CelFunctionDecl.newFunctionDeclaration(
                        "addBusinessDays",
                        CelOverloadDecl.newGlobalOverload(
                                "addBusinessDays_timestamp_int",
                                SimpleType.TIMESTAMP,
                                SimpleType.TIMESTAMP,
                                SimpleType.INT)))
                .setResultType(role.type)
                .build();
    }

    /** A compiled expression, or the compiler's message. */
    record Compiled(CelRuntime.Program program, String error) {}

    static Compiled compile(String expression, Role role) {
        CelValidationResult result = COMPILERS.get(role).compile(expression);
        if (result.hasError()) {
            return new Compiled(null, result.getErrorString());
        }
        try {
            return new Compiled(RUNTIME.createProgram(result.getAst()), null);
        } catch (Exception e) {
            return new Compiled(null, String.valueOf(e.getMessage()));
        }
    }

    /**
     * Evaluates over {@code vars} as they are: {@code program.eval(Map)} would first copy them into
     * an immutable activation (a stream and a hash table per evaluation, many per input). Resolves
     * like that activation: a null value is no value, a top-level int or float is widened.
     */
    static Object eval(CelRuntime.Program program, Map<String, ?> vars) throws CelEvaluationException {
        return program.eval((CelVariableResolver) name -> Optional.ofNullable(adapt(vars.get(name))));
    }

    private static Object adapt(Object value) {
        if (value instanceof Integer i) {
            return i.longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        return value;
    }

    /**
     * Weekends do not count (CM-07's "2 business days"); public holidays are not modelled: a
     * deadline that falls on one is early, never late.
     */
    static Instant addBusinessDays(Instant start, long days) {
        ZonedDateTime t = start.atZone(ZoneOffset.UTC);
        long left = days;
        while (left > 0) {
            t = t.plusDays(1);
            if (t.getDayOfWeek() != DayOfWeek.SATURDAY && t.getDayOfWeek() != DayOfWeek.SUNDAY) {
                left--;
            }
        }
        return t.toInstant();
    }
}
