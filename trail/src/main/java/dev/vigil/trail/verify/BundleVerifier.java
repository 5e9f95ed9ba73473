package dev.vigil.trail.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.json.Json;
import dev.vigil.trail.AuditDocument;
import dev.vigil.trail.checkpoint.CheckpointDocument;
import dev.vigil.trail.checkpoint.CheckpointSignatures;
import dev.vigil.trail.checkpoint.SigningKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Verifies an evidence bundle offline (docs/exports.md), without any server:
 *
 * <ol>
 *   <li>the manifest signature, with a trusted key ring when given, else with the key the bundle
 *       carries (which only proves the bundle is internally consistent: anyone can make a key);
 *   <li>the SHA-256 and size of every entry against the manifest, and no entry missing or added;
 *   <li>every chain of {@code records.jsonl} recomputed and linked exactly as {@code vigil verify}
 *       does against Elasticsearch ({@link ChainCheck}), and checked against the signed checkpoints
 *       of {@code checkpoints.jsonl}, whose signatures are verified with the checkpoint keys (trusted
 *       ring, else {@code keys/*.pem} of the bundle);
 *   <li>each chain's span against the manifest's, so a record dropped at either end is found.
 * </ol>
 *
 * Findings use the same kinds and report as trail verification, plus {@link Finding.Kind#ENTRY_MISMATCH}
 * and {@link Finding.Kind#MANIFEST_SIGNATURE}. Records and checkpoints are streamed from the zip; per
 * chain only what {@link ChainCheck} keeps is held.
 */
public final class BundleVerifier {

    /** The manifest is read whole (to check its signature over the exact bytes): bounded. */
    static final int MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

    /** The report, the manifest when it could be read, and warnings for the person reading it. */
    public record Result(VerifyReport report, BundleManifest manifest, List<String> warnings) {}

    private BundleVerifier() {}

    /**
     * @param trusted key id → public key of the trusted keys (export and checkpoint keys), or null to
     *     use the keys in the bundle
     * @throws IllegalArgumentException when the file is not a zip
     */
    public static Result verify(Path bundle, Map<String, PublicKey> trusted) throws IOException {
        long started = System.nanoTime();
        Instant startedAt = Instant.now();
        ZipFile zip;
        try {
            zip = new ZipFile(bundle.toFile(), StandardCharsets.UTF_8);
        } catch (ZipException e) {
            throw new IllegalArgumentException(bundle + " is not a zip file (" + e.getMessage() + ")");
        }
        try (zip) {
            Run run = new Run(zip, trusted);
            run.all();
            long duration = Duration.ofNanos(System.nanoTime() - started).toMillis();
            BundleManifest m = run.manifest;
            List<Finding> listed = run.findings.size() > TrailVerifier.MAX_LISTED_FINDINGS
                    ? run.findings.subList(0, TrailVerifier.MAX_LISTED_FINDINGS)
                    : run.findings;
            VerifyReport report = new VerifyReport(
                    VerifyReport.VERSION,
                    run.findings.isEmpty(),
                    true,
                    null,
                    new VerifyReport.Scope(
                            m == null ? null : m.tenant(),
                            m == null ? null : m.scope(),
                            m == null ? null : m.from(),
                            m == null ? null : m.to(),
                            false),
                    new VerifyReport.Counts(run.chains, run.documents, run.checkpoints, 0),
                    run.findings.size(),
                    List.copyOf(listed),
                    startedAt.toString(),
                    duration);
            return new Result(report, m, List.copyOf(run.warnings));
        }
    }

    private static final class Run {
        final ZipFile zip;
        final Map<String, PublicKey> trusted;
        final List<Finding> findings = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        BundleManifest manifest;
        long chains;
        long documents;
        long checkpoints;

        Run(ZipFile zip, Map<String, PublicKey> trusted) {
            this.zip = zip;
            this.trusted = trusted;
        }

        void all() throws IOException {
            byte[] manifestBytes = manifestBytes();
            if (manifestBytes != null) {
                try {
                    manifest = Json.mapper().readValue(manifestBytes, BundleManifest.class);
                } catch (IOException e) {
                    add(
                            Finding.Kind.MANIFEST_SIGNATURE,
                            BundleManifest.MANIFEST,
                            "manifest.json is not a bundle manifest: " + e.getMessage());
                }
            }
            if (manifest != null) {
                if (!BundleManifest.FORMAT.equals(manifest.format())) {
                    add(
                            Finding.Kind.MANIFEST_SIGNATURE,
                            BundleManifest.MANIFEST,
                            "manifest.json declares format '" + manifest.format() + "', not " + BundleManifest.FORMAT);
                }
                signature(manifestBytes);
                entries();
            }
            Map<String, PublicKey> checkpointKeys = trusted != null ? trusted : bundleKeys();
            if (checkpointKeys.isEmpty()) {
                warnings.add(
                        "no checkpoint public key available: every checkpoint is reported as signed by an unknown key");
            }
            chains(checkpointKeys);
            serverReport();
        }

        byte[] manifestBytes() throws IOException {
            ZipEntry e = zip.getEntry(BundleManifest.MANIFEST);
            if (e == null) {
                add(
                        Finding.Kind.MANIFEST_SIGNATURE,
                        BundleManifest.MANIFEST,
                        "the bundle has no manifest.json: nothing vouches for its content");
                return null;
            }
            try (InputStream in = zip.getInputStream(e)) {
                byte[] bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
                if (bytes.length > MAX_MANIFEST_BYTES) {
                    add(
                            Finding.Kind.MANIFEST_SIGNATURE,
                            BundleManifest.MANIFEST,
                            "manifest.json is larger than " + MAX_MANIFEST_BYTES + " bytes");
                    return null;
                }
                return bytes;
            }
        }

        void signature(byte[] manifestBytes) throws IOException {
            ZipEntry sigEntry = zip.getEntry(BundleManifest.SIGNATURE);
            if (sigEntry == null) {
                add(Finding.Kind.MANIFEST_SIGNATURE, BundleManifest.MANIFEST, "the bundle has no manifest.sig");
                return;
            }
            byte[] sig;
            try (InputStream in = zip.getInputStream(sigEntry)) {
                sig = in.readNBytes(4096);
            }
            String keyId = manifest.exporterKeyId();
            PublicKey key;
            if (trusted != null) {
                key = keyId == null ? null : trusted.get(keyId);
                if (key == null) {
                    add(
                            Finding.Kind.MANIFEST_SIGNATURE,
                            BundleManifest.MANIFEST,
                            "the manifest names exporter key " + keyId
                                    + ", which is not among the trusted keys: the bundle's origin is not proven");
                    return;
                }
            } else {
                key = bundleExportKey();
                if (key == null) {
                    add(
                            Finding.Kind.MANIFEST_SIGNATURE,
                            BundleManifest.MANIFEST,
                            "the bundle carries no readable export-key.pem to check manifest.sig with");
                    return;
                }
                String actual = CheckpointSignatures.keyId(key);
                if (!actual.equals(keyId)) {
                    add(
                            Finding.Kind.MANIFEST_SIGNATURE,
                            BundleManifest.MANIFEST,
                            "export-key.pem holds key " + actual + " but the manifest names exporter key " + keyId);
                    return;
                }
                warnings.add("no --trusted-keys given: the manifest signature was checked with the key inside the"
                        + " bundle (" + keyId + "), which only proves the bundle is internally consistent; compare"
                        + " that key id with the export key GET /v1/audit/keys publishes, or pass --trusted-keys DIR");
            }
            if (!BundleSignatures.verify(manifestBytes, sig, key)) {
                add(
                        Finding.Kind.MANIFEST_SIGNATURE,
                        BundleManifest.MANIFEST,
                        "manifest.sig does not verify with" + " exporter key " + keyId
                                + ": the manifest or its signature was altered");
            }
        }

        PublicKey bundleExportKey() throws IOException {
            ZipEntry e = zip.getEntry(BundleManifest.EXPORT_KEY);
            if (e == null) {
                return null;
            }
            try (InputStream in = zip.getInputStream(e)) {
                return SigningKeys.parsePublic(
                        new String(in.readNBytes(64 * 1024), StandardCharsets.US_ASCII), BundleManifest.EXPORT_KEY);
            } catch (IllegalArgumentException ex) {
                return null;
            }
        }

        void entries() throws IOException {
            Set<String> listed = new HashSet<>();
            for (BundleManifest.Entry entry : manifest.entries()) {
                listed.add(entry.name());
                ZipEntry e = zip.getEntry(entry.name());
                if (e == null) {
                    add(
                            Finding.Kind.ENTRY_MISMATCH,
                            entry.name(),
                            "listed in the manifest but missing from the bundle");
                    continue;
                }
                MessageDigest sha = sha256();
                long size = 0;
                byte[] buf = new byte[64 * 1024];
                try (InputStream in = zip.getInputStream(e)) {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        sha.update(buf, 0, n);
                        size += n;
                    }
                }
                String hash = HexFormat.of().formatHex(sha.digest());
                if (!hash.equals(entry.sha256()) || size != entry.size()) {
                    add(
                            Finding.Kind.ENTRY_MISMATCH,
                            entry.name(),
                            "SHA-256 " + shortHash(hash) + " (" + size
                                    + " bytes) is not the manifest's " + shortHash(entry.sha256()) + " (" + entry.size()
                                    + " bytes): the entry was changed after export");
                }
            }
            Set<String> seen = new HashSet<>();
            for (ZipEntry e : Collections.list(zip.entries())) {
                String name = e.getName();
                if (!seen.add(name)) {
                    // Tools disagree on which of two same-named entries they extract: only one was checked.
                    add(Finding.Kind.ENTRY_MISMATCH, name, "appears twice in the bundle: one copy was added");
                    continue;
                }
                if (!e.isDirectory()
                        && !listed.contains(name)
                        && !name.equals(BundleManifest.MANIFEST)
                        && !name.equals(BundleManifest.SIGNATURE)) {
                    add(
                            Finding.Kind.ENTRY_MISMATCH,
                            name,
                            "in the bundle but not listed in its manifest: it was added");
                }
            }
        }

        Map<String, PublicKey> bundleKeys() throws IOException {
            Map<String, PublicKey> keys = new TreeMap<>();
            for (ZipEntry e : Collections.list(zip.entries())) {
                String name = e.getName();
                if (name.startsWith(BundleManifest.KEYS_DIR) && name.endsWith(".pem")) {
                    try (InputStream in = zip.getInputStream(e)) {
                        PublicKey key = SigningKeys.parsePublic(
                                new String(in.readNBytes(64 * 1024), StandardCharsets.US_ASCII), name);
                        keys.put(CheckpointSignatures.keyId(key), key);
                    } catch (IllegalArgumentException ex) {
                        warnings.add(name + " is not a readable public key: " + ex.getMessage());
                    }
                }
            }
            return keys;
        }

        /** Records and checkpoints, both in chain id then seq order, merged chain by chain. */
        void chains(Map<String, PublicKey> keys) throws IOException {
            Map<String, BundleManifest.ChainSpan> spans = new LinkedHashMap<>();
            if (manifest != null) {
                manifest.chains().forEach(s -> spans.put(s.id(), s));
            }
            ZipEntry recordsEntry = zip.getEntry(BundleManifest.RECORDS);
            if (recordsEntry == null) {
                add(Finding.Kind.ENTRY_MISMATCH, BundleManifest.RECORDS, "the bundle has no records.jsonl");
                return;
            }
            ZipEntry cpEntry = zip.getEntry(BundleManifest.CHECKPOINTS);
            try (BufferedReader records = reader(recordsEntry);
                    BufferedReader cps =
                            cpEntry == null ? new BufferedReader(java.io.Reader.nullReader()) : reader(cpEntry)) {
                Peekable<Line<AuditDocument>> d =
                        new Peekable<>(lines(records, BundleManifest.RECORDS, AuditDocument.class));
                Peekable<Line<CheckpointDocument>> c =
                        new Peekable<>(lines(cps, BundleManifest.CHECKPOINTS, CheckpointDocument.class));
                Set<String> done = new HashSet<>();
                while (d.hasNext()) {
                    String chain = d.peek().value().chain().id();
                    if (!done.add(chain)) {
                        Line<AuditDocument> stray = d.next();
                        add(
                                Finding.Kind.ENTRY_MISMATCH,
                                BundleManifest.RECORDS,
                                "line " + stray.number() + " (" + stray.value().documentId()
                                        + ") is out of chain order: the file was rearranged");
                        continue;
                    }
                    BundleManifest.ChainSpan span = spans.remove(chain);
                    long firstSeq = span != null
                            ? span.firstSeq()
                            : d.peek().value().chain().seq();
                    ChainCheck check = new ChainCheck(chain, firstSeq, keys);
                    while (c.hasNext() && c.peek().value().chain().id().compareTo(chain) < 0) {
                        c.next();
                    }
                    ChainCheck.Link pending = link(d.next());
                    long lastFed = pending.seq();
                    while (pending != null) {
                        List<ChainCheck.Link> same = new ArrayList<>(1);
                        same.add(pending);
                        ChainCheck.Link next = null;
                        while (d.hasNext() && d.peek().value().chain().id().equals(chain)) {
                            Line<AuditDocument> line = d.next();
                            ChainCheck.Link l = link(line);
                            if (l.seq() == pending.seq()) {
                                same.add(l);
                            } else if (l.seq() < pending.seq()) {
                                add(
                                        Finding.Kind.ENTRY_MISMATCH,
                                        BundleManifest.RECORDS,
                                        "line " + line.number() + " (" + l.id()
                                                + ") is out of seq order: the file was rearranged");
                            } else {
                                next = l;
                                break;
                            }
                        }
                        while (c.hasNext()
                                && c.peek().value().chain().id().equals(chain)
                                && c.peek().value().chain().seq() <= pending.seq()) {
                            check.checkpoint(c.next().value());
                        }
                        check.documents(same, next);
                        documents += same.size();
                        lastFed = pending.seq();
                        pending = next;
                    }
                    while (c.hasNext() && c.peek().value().chain().id().equals(chain)) {
                        check.checkpoint(c.next().value());
                    }
                    chains++;
                    checkpoints += check.checkpoints();
                    List<Finding> found = check.finish(true, 0);
                    found.forEach(this::add);
                    if (span != null
                            && span.lastSeq() > lastFed
                            && found.stream().noneMatch(f -> f.kind() == Finding.Kind.TRUNCATED)) {
                        add(new Finding(
                                Finding.Kind.TRUNCATED,
                                chain,
                                List.of(lastFed + 1, span.lastSeq()),
                                "the bundle's records end at seq " + lastFed
                                        + " but its manifest lists the chain up to seq " + span.lastSeq()
                                        + ": its tail was removed"));
                    }
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            for (BundleManifest.ChainSpan span : spans.values()) {
                add(new Finding(
                        Finding.Kind.DELETED,
                        span.id(),
                        List.of(span.firstSeq(), span.lastSeq()),
                        "the manifest lists this chain but records.jsonl has none of its records"));
            }
        }

        void serverReport() throws IOException {
            ZipEntry e = zip.getEntry(BundleManifest.VERIFICATION);
            if (e == null) {
                return;
            }
            try (InputStream in = zip.getInputStream(e)) {
                JsonNode r = Json.mapper().readTree(in);
                if (r != null && r.has("intact") && !r.get("intact").asBoolean()) {
                    warnings.add("the server's own verification at export time (verification.json) did not report the"
                            + " trail intact: " + r.path("findings_total").asLong() + " finding(s)"
                            + (r.path("complete").asBoolean(true)
                                    ? ""
                                    : ", incomplete: "
                                            + r.path("incomplete_reason").asText()));
                }
            } catch (IOException ex) {
                warnings.add("verification.json is not readable JSON: " + ex.getMessage());
            }
        }

        ChainCheck.Link link(Line<AuditDocument> line) {
            return ChainCheck.Link.of(line.value().documentId(), line.value());
        }

        BufferedReader reader(ZipEntry e) throws IOException {
            return new BufferedReader(new InputStreamReader(zip.getInputStream(e), StandardCharsets.UTF_8));
        }

        /** The parsed lines of a JSON Lines entry; a line that is not a document is a finding, and skipped. */
        <T> Iterator<Line<T>> lines(BufferedReader reader, String entry, Class<T> type) {
            return new Iterator<>() {
                Line<T> next;
                long number;

                @Override
                public boolean hasNext() {
                    while (next == null) {
                        String text;
                        try {
                            text = reader.readLine();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        if (text == null) {
                            return false;
                        }
                        number++;
                        if (text.isBlank()) {
                            continue;
                        }
                        try {
                            T value = Json.mapper().readValue(text, type);
                            if (valid(value)) {
                                next = new Line<>(number, value);
                            } else {
                                add(
                                        Finding.Kind.ENTRY_MISMATCH,
                                        entry,
                                        "line " + number + " lacks its chain id or hash");
                            }
                        } catch (IOException e) {
                            add(
                                    Finding.Kind.ENTRY_MISMATCH,
                                    entry,
                                    "line " + number + " is not a JSON document of this" + " entry's kind");
                        }
                    }
                    return true;
                }

                @Override
                public Line<T> next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    Line<T> l = next;
                    next = null;
                    return l;
                }
            };
        }

        void add(Finding.Kind kind, String entry, String message) {
            add(new Finding(kind, entry, List.of(), message));
        }

        void add(Finding f) {
            findings.add(f);
        }
    }

    private static boolean valid(Object value) {
        return switch (value) {
            case AuditDocument d ->
                d.chain() != null && d.chain().id() != null && d.chain().hash() != null;
            case CheckpointDocument c -> c.chain() != null && c.chain().id() != null && c.keyId() != null;
            default -> false;
        };
    }

    private record Line<T>(long number, T value) {}

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String shortHash(String hash) {
        return ChainCheck.shortHash(hash);
    }
}
