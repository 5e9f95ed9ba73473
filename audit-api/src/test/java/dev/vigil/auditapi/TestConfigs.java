package dev.vigil.auditapi;

import dev.vigil.embedded.SharedServers;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Configurations of an audit API on the shared broker and Elasticsearch node, with the registry's
 * topics created under {@code prefix} (the streams app creates them in a real deployment), so
 * access records and risk acceptances have somewhere to go.
 */
public final class TestConfigs {

    private TestConfigs() {}

    public static AuditApiConfig onSharedServers(AuditApiConfig base, String prefix) {
        String bootstrap = SharedServers.kafka().bootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicAdmin.ensureTopics(admin, Topics.withPrefix(prefix), (short) 1);
        }
        return base.withKafka(bootstrap, prefix);
    }
}
