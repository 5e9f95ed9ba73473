package dev.vigil.ingest.scan;

import dev.vigil.ingest.adapter.InputAdapter;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.Normalized;
import dev.vigil.ingest.adapter.RawInput;
import java.util.List;

/**
 * Common shape of the scanner adapters: accept what {@link ScanDetector} attributes to this
 * format, read the report into a {@link Report}, add the request's context, split into messages.
 */
public abstract class ScanAdapter implements InputAdapter {

    private final ScanFormat format;
    private final int maxRecordBytes;

    protected ScanAdapter(ScanFormat format, int maxRecordBytes) {
        this.format = format;
        this.maxRecordBytes = maxRecordBytes;
    }

    public ScanFormat format() {
        return format;
    }

    @Override
    public String name() {
        return format.paramName();
    }

    @Override
    public List<String> mediaTypes() {
        return format.mediaTypes();
    }

    @Override
    public boolean accepts(RawInput input) {
        return ScanDetector.detect(input).filter(format::equals).isPresent();
    }

    @Override
    public List<Normalized> normalize(RawInput input) throws InvalidInputException {
        Report report = parse(input);
        ScanContext.Resolved context = ScanContext.resolve(input, report.context);
        return ScanAssembler.assemble(input, format, report, context, maxRecordBytes);
    }

    /** Reads the report; refuses structural errors with the pointer of the offending member. */
    abstract Report parse(RawInput input) throws InvalidInputException;
}
