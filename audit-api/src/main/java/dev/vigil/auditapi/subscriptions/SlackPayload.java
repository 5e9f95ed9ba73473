package dev.vigil.auditapi.subscriptions;

import dev.vigil.auditapi.violations.ViolationView;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A Slack incoming-webhook message ({@code text} + Block Kit {@code blocks}) for one violation change. */
final class SlackPayload {

    private SlackPayload() {}

    static Map<String, Object> of(ViolationView v) {
        String state = v.state().toLowerCase(Locale.ROOT).replace('_', ' ');
        String text = "Vigil: violation " + state + " - " + v.controlId() + " (" + v.severity() + ") on " + v.scope()
                + " " + v.subjectKey();
        String detail = "*" + escape(v.controlId()) + "* " + escape(state) + " on `" + escape(v.scope()) + "` "
                + escape(v.subjectKey()) + "\n" + escape(v.reason() == null ? "" : v.reason());
        return Map.of(
                "text",
                text,
                "blocks",
                List.of(
                        Map.of(
                                "type",
                                "header",
                                "text",
                                Map.of(
                                        "type",
                                        "plain_text",
                                        "text",
                                        truncate("Violation " + state + ": " + v.controlId(), 150))),
                        Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", truncate(detail, 3000))),
                        Map.of(
                                "type",
                                "context",
                                "elements",
                                List.of(Map.of(
                                        "type",
                                        "mrkdwn",
                                        "text",
                                        "severity " + v.severity() + " | requirements "
                                                + String.join(", ", v.requirements()) + " | violation "
                                                + escape(v.violationId()) + " | changed " + v.changedAt())))));
    }

    /** Slack's mrkdwn treats these three as control characters. */
    private static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
