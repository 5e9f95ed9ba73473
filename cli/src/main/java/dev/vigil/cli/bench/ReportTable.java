package dev.vigil.cli.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A small table rendered as fixed-width terminal text or as a Markdown table. */
final class ReportTable {

    private final String[] headers;
    private final boolean[] right;
    private final List<String[]> rows = new ArrayList<>();

    /** Headers; a header starting with {@code >} is a right-aligned (numeric) column, the {@code >} is not shown. */
    ReportTable(String... headers) {
        this.headers = new String[headers.length];
        this.right = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            right[i] = headers[i].startsWith(">");
            this.headers[i] = right[i] ? headers[i].substring(1) : headers[i];
        }
    }

    ReportTable row(String... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("row of " + cells.length + " cells in a table of " + headers.length);
        }
        rows.add(Arrays.copyOf(cells, cells.length));
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Fixed-width text, indented by two spaces, with a rule under the headers. */
    String text() {
        String[] h = Arrays.stream(headers).map(ReportFormat::plain).toArray(String[]::new);
        List<String[]> body = rows.stream()
                .map(r -> Arrays.stream(r).map(ReportFormat::plain).toArray(String[]::new))
                .toList();
        int[] width = new int[h.length];
        for (int i = 0; i < h.length; i++) {
            width[i] = len(h[i]);
            for (String[] r : body) {
                width[i] = Math.max(width[i], len(r[i]));
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, h, width);
        String[] rule = new String[h.length];
        for (int i = 0; i < h.length; i++) {
            rule[i] = "-".repeat(width[i]);
        }
        line(out, rule, width);
        for (String[] r : body) {
            line(out, r, width);
        }
        return out.toString();
    }

    private void line(StringBuilder out, String[] cells, int[] width) {
        StringBuilder l = new StringBuilder("  ");
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                l.append("  ");
            }
            String pad = " ".repeat(width[i] - len(cells[i]));
            l.append(right[i] ? pad + cells[i] : cells[i] + pad);
        }
        out.append(l.toString().stripTrailing()).append('\n');
    }

    private static int len(String s) {
        return s.codePointCount(0, s.length());
    }

    /** A GitHub-flavoured Markdown table; cells are escaped so a value cannot break the table or add markup. */
    String markdown() {
        StringBuilder out = new StringBuilder("|");
        for (String h : headers) {
            out.append(' ').append(md(h)).append(" |");
        }
        out.append("\n|");
        for (boolean r : right) {
            out.append(r ? " ---: |" : " --- |");
        }
        out.append('\n');
        for (String[] row : rows) {
            out.append('|');
            for (String c : row) {
                out.append(' ').append(md(c)).append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Markdown cell text: one line, no raw HTML, no table or emphasis syntax. */
    static String md(String s) {
        String p = ReportFormat.plain(s);
        StringBuilder out = new StringBuilder(p.length() + 8);
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '|', '\\', '`', '*', '_', '[', ']' -> out.append('\\').append(c);
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
