package dev.vigil.auditapi;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vigil.trail.AuditDocument;
import java.util.List;

/**
 * One page of {@code GET /v1/audit/records}.
 *
 * @param next the cursor of the following page, null on the last page
 * @param total how many records the whole search matches: exact when {@code totalRelation} is
 *     {@code eq}, a lower bound when it is {@code gte} (counting stops at {@value
 *     RecordSearch#TOTAL_HITS_CAP}); null only when Elasticsearch gave no count
 * @param totalRelation {@code eq} or {@code gte}, as Elasticsearch's {@code hits.total.relation}
 */
public record RecordsPage(
        List<AuditDocument> records,
        String next,
        Long total,
        @JsonProperty("total_relation") String totalRelation) {

    public RecordsPage(List<AuditDocument> records, String next, Long total) {
        this(records, next, total, total == null ? null : "eq");
    }
}
