package dev.vigil.auditapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vigil.common.config.Config;
import dev.vigil.common.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditApiConfigTest {

    @Test
    void shouldDefaultToLoopbackPort8081AndTheSharedElasticsearchKeys() {
        AuditApiConfig cfg = AuditApiConfig.from(Config.resolve(AuditApiConfig.FIELDS, null, Map.of(), Map.of()));

        assertThat(cfg).isEqualTo(new AuditApiConfig("http://127.0.0.1:9200", "", "127.0.0.1", 8081, 500, "2m"));
    }

    @Test
    void shouldLetEnvironmentVariablesAndOverridesSetEveryKey() {
        AuditApiConfig cfg = AuditApiConfig.from(Config.resolve(
                AuditApiConfig.FIELDS,
                null,
                Map.of("VIGIL_AUDIT_API_MAX_PAGE_SIZE", "100", "VIGIL_INDEX_PREFIX", "t1-"),
                Map.of(
                        "vigil.elasticsearch.url", "http://es:9200",
                        "vigil.audit-api.host", "0.0.0.0",
                        "vigil.audit-api.port", "0",
                        "vigil.audit-api.pit-keep-alive", "90s")));

        assertThat(cfg).isEqualTo(new AuditApiConfig("http://es:9200", "t1-", "0.0.0.0", 0, 100, "90s"));
    }

    @Test
    void shouldReportEveryInvalidKeyAtOnce() {
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> Config.resolve(
                        AuditApiConfig.FIELDS,
                        null,
                        Map.of(),
                        Map.of(
                                "vigil.elasticsearch.url", "es:9200",
                                "vigil.audit-api.port", "70000",
                                "vigil.audit-api.max-page-size", "0",
                                "vigil.audit-api.pit-keep-alive", "2 minutes")));

        assertThat(e.problems())
                .satisfiesExactlyInAnyOrder(
                        p -> assertThat(p).startsWith("vigil.elasticsearch.url"),
                        p -> assertThat(p).startsWith("vigil.audit-api.port"),
                        p -> assertThat(p).startsWith("vigil.audit-api.max-page-size"),
                        p -> assertThat(p).startsWith("vigil.audit-api.pit-keep-alive"));
    }
}
