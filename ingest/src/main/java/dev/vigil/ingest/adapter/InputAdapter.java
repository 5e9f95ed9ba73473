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

    Normalized normalize(RawInput input) throws InvalidInputException;
}
