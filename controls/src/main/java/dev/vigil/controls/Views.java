package dev.vigil.controls;

import static dev.vigil.controls.Facets.*;

import dev.cel.common.values.NullValue;
import dev.vigil.controls.facts.*;
import dev.vigil.controls.state.SubjectState;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.Subject;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * What CEL expressions see: inputs and facts as maps whose every field is present (null as CEL
 * {@code null}, numbers as CEL ints, times as timestamps), so a condition never trips over a
 * missing key, and an input's attributes map carries every {@link Attributes} key ("" when the
 * format did not say).
 */
final class Views {

    static final Object NULL = NullValue.NULL_VALUE;

    private static final List<String> ATTRIBUTE_KEYS = attributeKeys();

    /** What an input without that subject sees (one instance each, so their views are built once). */
    private static final CommitFact NO_COMMIT = CommitFact.empty(null);

    private static final ChangeFact NO_CHANGE = ChangeFact.empty(null);
    private static final ArtifactFact NO_ARTIFACT = ArtifactFact.empty(null);
    private static final ApprovalFact NO_APPROVAL = new ApprovalFact(null, null, null, null, null);

    /** A record component's name and accessor, looked up once per record class. */
    private record Component(String name, MethodHandle accessor) {}

    private static final ClassValue<Component[]> COMPONENTS = new ClassValue<>() {
        @Override
        protected Component[] computeValue(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            Component[] out = new Component[components.length];
            for (int i = 0; i < components.length; i++) {
                try {
                    Method accessor = components[i].getAccessor();
                    accessor.setAccessible(true);
                    out[i] = new Component(
                            components[i].getName(),
                            MethodHandles.lookup()
                                    .unreflect(accessor)
                                    .asType(MethodType.methodType(Object.class, Object.class)));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new IllegalStateException("cannot read the components of " + type, e);
                }
            }
            return out;
        }
    };

    private Views() {}

    private static List<String> attributeKeys() {
        List<String> keys = new ArrayList<>();
        for (var f : Attributes.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    keys.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return List.copyOf(keys);
    }

    /** Records, lists, maps and scalars as CEL values. */
    static Object cel(Object v) {
        if (v == null) {
            return NULL;
        }
        if (v instanceof Integer i) {
            return i.longValue();
        }
        if (v instanceof Enum<?> e) {
            return e.name();
        }
        if (v instanceof Record r) {
            return RECORD_VIEWS.view(r);
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> m = new TreeMap<>();
            map.forEach((k, val) -> m.put(String.valueOf(k), cel(val)));
            return m;
        }
        if (v instanceof Collection<?> c) {
            return c.stream().map(Views::cel).toList();
        }
        if (v instanceof CharSequence s) {
            return s.toString();
        }
        return v; // Boolean, Long, Double, Instant
    }

    /** The view of a record as a map the caller may add to (the cached view itself is read-only). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object record) {
        return new LinkedHashMap<>((Map<String, Object>) cel(record));
    }

    private static Map<String, Object> recordView(Record r) {
        Component[] components = COMPONENTS.get(r.getClass());
        Map<String, Object> m = new LinkedHashMap<>(components.length * 2);
        for (Component c : components) {
            try {
                m.put(c.name(), cel(c.accessor().invoke(r)));
            } catch (Throwable e) {
                throw new IllegalStateException("cannot read " + c.name() + " of " + r.getClass(), e);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * Views of the fact records most recently converted, by identity. A fact is an immutable record
     * (final fields, copied collections), so its view never changes; the state hands the same
     * instance to every input while its stored bytes are unchanged, so a subject's commits,
     * changes and findings are converted once rather than at every input that lists them.
     * Direct-mapped: a slot holds the last record that hashed to it. Thread-safe: a slot is
     * replaced whole, a race only costs a conversion.
     */
    private static final RecordViews RECORD_VIEWS = new RecordViews(8192);

    private static final class RecordViews {
        private record Slot(Record record, Map<String, Object> view) {}

        private final AtomicReferenceArray<Slot> slots;
        private final int mask;

        RecordViews(int size) {
            this.slots = new AtomicReferenceArray<>(size);
            this.mask = size - 1;
        }

        Map<String, Object> view(Record r) {
            int i = System.identityHashCode(r) & mask;
            Slot slot = slots.get(i);
            if (slot != null && slot.record() == r) {
                return slot.view();
            }
            Map<String, Object> view = recordView(r);
            slots.set(i, new Slot(r, view));
            return view;
        }
    }

    static Map<String, Object> subject(Subject s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("commitSha", cel(s.getCommitSha()));
        m.put("branch", cel(s.getBranch()));
        m.put("changeId", cel(s.getChangeId()));
        m.put("artifactDigest", cel(s.getArtifactDigest()));
        m.put("artifactName", cel(s.getArtifactName()));
        m.put("environment", cel(s.getEnvironment()));
        m.put("pipelineRunId", cel(s.getPipelineRunId()));
        m.put("service", cel(s.getService()));
        return m;
    }

    static Map<String, Object> attributes(Map<? extends CharSequence, ? extends CharSequence> attrs) {
        Map<String, Object> m = new TreeMap<>();
        ATTRIBUTE_KEYS.forEach(k -> m.put(k, ""));
        attrs.forEach(
                (k, v) -> m.put(k.toString(), v == null ? "" : v.toString().trim()));
        return m;
    }

    static Map<String, Object> event(PipelineEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.getId());
        m.put("kind", e.getKind().name());
        m.put("sourceType", e.getSourceType());
        m.put("format", e.getFormat().name());
        m.put("source", e.getSource());
        m.put("sourceEventId", e.getSourceEventId());
        m.put("eventTime", e.getEventTime());
        m.put("receivedAt", e.getReceivedAt());
        m.put("outcome", e.getOutcome().name());
        m.put("deployed", StateUpdater.isDeploy(e) && StateUpdater.deploySucceeded(e));
        m.put("actor", e.getActor() == null ? NULL : e.getActor().getId());
        m.put("subject", subject(e.getSubject()));
        m.put("attributes", attributes(e.getAttributes()));
        m.put("evidenceSha256", e.getEvidenceSha256());
        return m;
    }

    static Map<String, Object> scan(StateUpdater.ScanView v) {
        var s = v.scan();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.getId());
        m.put("category", s.getCategory().name());
        m.put("tool", s.getTool().getName());
        m.put("format", s.getFormat().name());
        m.put("scannedAt", s.getScannedAt());
        m.put("complete", s.getComplete());
        m.put("subject", subject(s.getSubject()));
        List<Object> findings = new ArrayList<>();
        for (CompactFinding f : v.findings()) {
            Map<String, Object> fm = map(f);
            fm.put("open", StateUpdater.open(f));
            findings.add(fm);
        }
        m.put("findings", findings);
        m.put("summary", map(StateUpdater.summary(v)));
        m.put("partIds", v.partIds());
        m.put("evidenceSha256", s.getEvidenceSha256());
        return m;
    }

    static Map<String, Object> commit(SubjectState state, String sha) {
        if (sha == null) {
            return map(NO_COMMIT);
        }
        return map(state.get(COMMITS, sha).orElse(CommitFact.empty(sha)));
    }

    static Map<String, Object> change(SubjectState state, String changeId) {
        ChangeFact c =
                changeId == null ? NO_CHANGE : state.get(CHANGES, changeId).orElse(ChangeFact.empty(changeId));
        Map<String, Object> m = map(c);
        // Reviews as a list: CEL's exists/filter over a map would iterate reviewer names.
        m.put("reviews", cel(new ArrayList<>(c.reviews().values())));
        return m;
    }

    static Map<String, Object> artifact(SubjectState state, String digest) {
        if (digest == null) {
            return map(NO_ARTIFACT);
        }
        return map(state.get(ARTIFACTS, digest).orElse(ArtifactFact.empty(digest)));
    }

    /**
     * The latest decision on the first target found: exact id first, then an approval whose target
     * is a URL ending in that id (CDEvents approval.closed names a resourceTargetUrl).
     */
    static Map<String, Object> approval(SubjectState state, List<String> targets) {
        for (String t : targets) {
            if (t != null) {
                var a = state.get(APPROVALS, t);
                if (a.isPresent()) {
                    return map(a.get());
                }
            }
        }
        for (String t : targets) {
            if (t != null && !t.isBlank()) {
                for (var e : state.entries(APPROVALS)) {
                    if (e.getKey().endsWith("/" + t)) {
                        return map(e.getValue());
                    }
                }
            }
        }
        return map(NO_APPROVAL);
    }

    /**
     * The subject's collections, for per-item controls. Each is built only when an expression
     * reads it: most inputs touch none, and a collection can hold thousands of findings.
     */
    static Map<String, Object> state(SubjectState state) {
        Map<String, Supplier<Object>> m = new LinkedHashMap<>();
        m.put("deployments", () -> deployments(state));
        m.put("findings", () -> values(state, FINDINGS));
        m.put("alerts", () -> values(state, ALERTS));
        m.put("incidents", () -> values(state, INCIDENTS));
        m.put("emergencies", () -> values(state, EMERGENCIES));
        m.put("pushes", () -> state.entries(COMMITS).stream()
                .map(Map.Entry::getValue)
                .filter(CommitFact::pushedToDefault)
                .map(Views::cel)
                .toList());
        m.put("merges", () -> merges(state));
        return new LazyMap(m);
    }

    private static List<Object> deployments(SubjectState state) {
        List<Object> deployments = new ArrayList<>();
        for (var e : state.entries(DEPLOYMENTS)) {
            DeploymentFact d = e.getValue();
            Map<String, Object> dm = map(d);
            dm.put("artifact", artifact(state, d.digest()));
            dm.put("commit", commit(state, d.sha()));
            deployments.add(dm);
        }
        return deployments;
    }

    private static List<Object> merges(SubjectState state) {
        List<Object> merges = new ArrayList<>();
        for (var e : state.entries(COMMITS)) {
            CommitFact c = e.getValue();
            if (c.mergedAt() != null) {
                Map<String, Object> cm = map(c);
                ScanSummary secret = c.scans().get("SECRET");
                String head = c.changeId() == null
                        ? null
                        : state.get(CHANGES, c.changeId())
                                .map(ChangeFact::headSha)
                                .orElse(null);
                if (secret == null && head != null) {
                    secret = state.get(COMMITS, head)
                            .map(h -> h.scans().get("SECRET"))
                            .orElse(null);
                }
                cm.put("headSha", cel(head));
                cm.put("secretScan", cel(secret));
                merges.add(cm);
            }
        }
        return merges;
    }

    /** A read-only map whose values are computed on first access. */
    private static final class LazyMap extends AbstractMap<String, Object> {
        private final Map<String, Supplier<Object>> suppliers;
        private final Map<String, Object> values = new HashMap<>();

        LazyMap(Map<String, Supplier<Object>> suppliers) {
            this.suppliers = suppliers;
        }

        @Override
        public Object get(Object key) {
            Supplier<Object> s = suppliers.get(key);
            return s == null ? null : values.computeIfAbsent((String) key, k -> s.get());
        }

        @Override
        public boolean containsKey(Object key) {
            return suppliers.containsKey(key);
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            Map<String, Object> all = new LinkedHashMap<>();
            suppliers.keySet().forEach(k -> all.put(k, get(k)));
            return all.entrySet();
        }
    }

    private static <T> List<Object> values(SubjectState state, dev.vigil.controls.state.Facet<T> facet) {
        List<Object> out = new ArrayList<>();
        state.entries(facet).forEach(e -> out.add(cel(e.getValue())));
        return out;
    }

    static Instant instant(Object v) {
        return v instanceof Instant i ? i : null;
    }
}
