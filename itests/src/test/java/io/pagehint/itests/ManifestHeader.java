package io.pagehint.itests;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OSGi manifest header split into clauses ({@code a.b;c.d;version="[1.0,2)";resolution:=optional, e.f}):
 * commas and semicolons inside quotes belong to the value.
 *
 * @param names      the clause's package (or other) names
 * @param parameters attributes ({@code version}) and directives ({@code resolution:}), quotes removed
 */
public record ManifestHeader(List<String> names, Map<String, String> parameters) {

    /** The clauses of {@code header}; none for null or blank. */
    public static List<ManifestHeader> parse(String header) {
        List<ManifestHeader> clauses = new ArrayList<>();
        if (header == null || header.isBlank()) {
            return clauses;
        }
        for (String clause : split(header, ',')) {
            List<String> names = new ArrayList<>();
            Map<String, String> params = new LinkedHashMap<>();
            for (String part : split(clause, ';')) {
                int eq = part.indexOf('=');
                if (eq < 0) {
                    names.add(part.trim());
                } else {
                    String value = part.substring(eq + 1).trim();
                    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                        value = value.substring(1, value.length() - 1);
                    }
                    params.put(part.substring(0, eq).trim(), value);
                }
            }
            clauses.add(new ManifestHeader(names, params));
        }
        return clauses;
    }

    private static List<String> split(String s, char separator) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == separator && !quoted) {
                parts.add(s.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(s.substring(from));
        return parts;
    }
}
