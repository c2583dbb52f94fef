package org.bankapi.statement;

import java.util.ArrayList;
import java.util.List;

/** A strict RFC 4180 reader for the tests: CRLF records, quoted fields with doubled quotes and line breaks. */
final class Csv {

    private Csv() {}

    static List<List<String>> parse(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        boolean quoted = false;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i += 2;
                    continue;
                }
                if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
                i++;
                continue;
            }
            if (c == '"') {
                if (!field.isEmpty()) {
                    throw new IllegalArgumentException("a quote inside an unquoted field at " + i);
                }
                quoted = true;
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
                i++;
            } else if (c == '\n' || c == '\r') {
                throw new IllegalArgumentException("a bare line break outside quotes at " + i);
            } else {
                field.append(c);
            }
            i++;
        }
        if (quoted) {
            throw new IllegalArgumentException("an unterminated quoted field");
        }
        if (!field.isEmpty() || !record.isEmpty()) {
            throw new IllegalArgumentException("the last record does not end with CRLF");
        }
        return records;
    }
}
