package dev.vigil.ingest.adapter;

import java.util.List;

/**
 * One input format. The ingest endpoint offers a request to its adapters in order and the first
 * that {@link #accepts} it normalizes it; more specific adapters (a GitHub webhook is also
 * {@code application/json}, told apart by {@code X-GitHub-Event}) therefore come first.
 *
 * <p>An adapter is pure: no I/O, no clock (the receive time is in the input), so its mapping is
 * tested on sample files alone. Refusals are {@link InvalidInputException}s naming the offending
 * field; the endpoint keeps every refused input on vigil.ingest-rejected.
 */
public interface InputAdapter {

    /** Short name for logs, e.g. "cdevents". */
    String name();

    /** Media types (lower case, no parameters) this adapter reads; listed to clients on 415. */
    List<String> mediaTypes();

    boolean accepts(RawInput input);

    /**
     * The input as it may be kept: the endpoint calls this before {@link #normalize} and stores
     * (as evidence, or on vigil.ingest-rejected) only what it returns. A secret scanner's adapter
     * masks the secret values here, so they never leave ingest; most adapters keep the bytes.
     */
    default RawInput redact(RawInput input) throws InvalidInputException {
        return input;
    }

    /**
     * The records one input becomes, in order: usually one; several for a CloudEvents batch or a
     * scanner report split into parts. All or nothing: a refusal refuses the whole input.
     */
    List<Normalized> normalize(RawInput input) throws InvalidInputException;
}
