package dev.vigil.trail.verify;

/** The highest seq of a chain seen on the Kafka trail, and that record's hash. */
public record TrailHead(long seq, String hash) {}
