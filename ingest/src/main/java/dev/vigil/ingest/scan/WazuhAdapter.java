package dev.vigil.ingest.scan;

import static dev.vigil.ingest.scan.ScanJson.object;
import static dev.vigil.ingest.scan.ScanJson.text;
import static dev.vigil.ingest.scan.ScanJson.textAt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.JsonInput;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.ScanCategory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Wazuh/OSSEC alerts (IDS): one alert object, a JSON array of alerts, or alerts.json lines
 * (newline-delimited). Each alert is one finding; the rule level, its SOC 2 TSC and GDPR tags and
 * the agent travel as {@code ids.*} attributes. An alert is about a host, not a repository: the
 * caller names the service ({@code ?service=}).
 */
public final class WazuhAdapter extends ScanAdapter {

    public WazuhAdapter(int maxRecordBytes) {
        super(ScanFormat.WAZUH, maxRecordBytes);
    }

    @Override
    Report parse(RawInput input) throws InvalidInputException {
        List<JsonNode> values = ScanJson.parseSequence(input.body());
        List<JsonNode> alerts = new ArrayList<>();
        List<String> pointers = new ArrayList<>();
        if (values.size() == 1 && values.get(0).isArray()) {
            JsonNode array = values.get(0);
            for (int i = 0; i < array.size(); i++) {
                alerts.add(array.get(i));
                pointers.add("/" + i);
            }
        } else {
            for (int i = 0; i < values.size(); i++) {
                alerts.add(values.get(i));
                // Lines of NDJSON have no pointer in one document: "" plus the line's index says which.
                pointers.add(values.size() == 1 ? "" : "/" + i);
            }
        }
        Report report = new Report();
        report.source = "wazuh";
        Report.Series series = report.series(ScanCategory.IDS, "wazuh", null);
        for (int i = 0; i < alerts.size(); i++) {
            JsonNode alert = alerts.get(i);
            String p = pointers.get(i);
            if (!alert.isObject()) {
                throw InvalidInputException.invalidField(
                        p,
                        "Alert " + (p.isEmpty() ? "" : p + " ") + "must be an object, not " + JsonInput.describe(alert)
                                + ".");
            }
            ObjectNode rule = object(alert, p, "rule");
            String ruleId = ScanJson.requireText(rule, ScanJson.ptr(p, "rule"), "id");
            JsonNode levelNode = rule.get("level");
            if (levelNode == null || !levelNode.canConvertToInt() || levelNode.asInt() < 0 || levelNode.asInt() > 16) {
                String lp = ScanJson.ptr(ScanJson.ptr(p, "rule"), "level");
                throw InvalidInputException.invalidField(
                        lp, lp + " is required and must be a rule level from 0 to 16.");
            }
            int level = levelNode.asInt();
            FindingDraft d = new FindingDraft(ruleId);
            d.title = text(rule, "description");
            d.severity = Severities.wazuhLevel(level);
            d.toolSeverity = "level " + level;
            String agent = textAt(alert, "agent", "name") != null
                    ? textAt(alert, "agent", "name")
                    : textAt(alert, "agent", "id");
            String logLocation = text(alert, "location");
            d.location = agent == null ? logLocation : logLocation == null ? agent : agent + ":" + logLocation;
            // Every alert is its own event: the manager's alert id (epoch.offset) keeps two alerts apart.
            String alertId = text(alert, "id");
            d.identityLocation = (agent == null ? "" : agent) + "#" + (alertId == null ? "" : alertId);
            d.attribute(Attributes.IDS_RULE_LEVEL, Integer.toString(level));
            d.attribute(Attributes.IDS_TSC, String.join(",", ScanJson.texts(rule, "tsc")));
            d.attribute(Attributes.IDS_GDPR, String.join(",", ScanJson.texts(rule, "gdpr")));
            d.attribute(Attributes.IDS_AGENT, agent);
            series.findings.add(d);
            Instant at = ScanTimes.parse(text(alert, "timestamp"));
            if (at != null && (report.scannedAt == null || at.isAfter(report.scannedAt))) {
                report.scannedAt = at;
            }
            if (alerts.size() == 1 && alertId != null) {
                String manager = textAt(alert, "manager", "name");
                report.sourceEventId = (manager == null ? "" : manager + "/") + alertId;
            }
        }
        return report;
    }
}
