package dev.vigil.ingest.scan;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * Report timestamps, leniently: a scan time that cannot be read falls back to the receive time
 * rather than refusing the findings (the time is context, not the finding itself).
 */
final class ScanTimes {

    /** Wazuh/OSSEC write offsets without a colon: 2022-05-11T12:29:19.905+0000. */
    private static final DateTimeFormatter COMPACT_OFFSET = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd'T'HH:mm:ss")
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .optionalEnd()
            .appendOffset("+HHMM", "Z")
            .toFormatter();

    private ScanTimes() {}

    static Instant parse(String text) {
        if (text == null || text.length() > 64) {
            return null;
        }
        String t = text.strip();
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return OffsetDateTime.parse(t, COMPACT_OFFSET).toInstant();
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Epoch seconds or milliseconds (OCSF {@code time} is milliseconds; Prowler has written both). */
    static Instant epoch(long value) {
        if (value <= 0) {
            return null;
        }
        return value > 100_000_000_000L ? Instant.ofEpochMilli(value) : Instant.ofEpochSecond(value);
    }
}
