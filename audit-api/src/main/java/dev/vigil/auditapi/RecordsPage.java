package dev.vigil.auditapi;

import dev.vigil.trail.AuditDocument;
import java.util.List;

/**
 * One page of {@code GET /v1/audit/records}.
 *
 * @param next the cursor of the following page, null on the last page
 * @param total how many records the whole search matches, null when there are more than
 *     Elasticsearch counts exactly by default (10,000)
 */
public record RecordsPage(List<AuditDocument> records, String next, Long total) {}
