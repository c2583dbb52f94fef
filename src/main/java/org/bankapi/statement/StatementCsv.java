package org.bankapi.statement;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.Currency;
import java.util.function.Consumer;
import org.bankapi.ledger.StatementEntry;
import org.bankapi.money.Money;

/**
 * A statement window as CSV (RFC 4180: CRLF line ends, fields with a comma, quote or line break
 * quoted, quotes doubled), written row by row as the database hands the entries over. A description
 * that a spreadsheet would run as a formula (first character = + - @, tab or carriage return) gets a
 * leading apostrophe, the usual defence against CSV injection.
 */
final class StatementCsv {

    static final String HEADER = "transaction_id,created_at,type,description,amount,balance_after";
    private static final String FORMULA_STARTS = "=+-@\t\r";

    private final long accountId;
    private final StatementWindow window;
    private final Currency currency;
    private final Entries entries;

    /** The window's entries, oldest first, read when the body is written (inside a read-only transaction). */
    @FunctionalInterface
    interface Entries {
        void forEach(Consumer<StatementEntry> action);
    }

    StatementCsv(long accountId, StatementWindow window, Currency currency, Entries entries) {
        this.accountId = accountId;
        this.window = window;
        this.currency = currency;
        this.entries = entries;
    }

    /** A file name for Content-Disposition: the account and the window. */
    String fileName() {
        return "statement-" + accountId + "-"
                + DateTimeFormatter.ISO_INSTANT.format(window.from()).replace(":", "") + "-"
                + DateTimeFormatter.ISO_INSTANT.format(window.to()).replace(":", "") + ".csv";
    }

    void writeTo(OutputStream out) throws IOException {
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 16 * 1024);
        try {
            writer.write(HEADER + "\r\n");
            entries.forEach(entry -> {
                try {
                    writer.write(row(entry, currency));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        writer.flush();
    }

    static String row(StatementEntry entry, Currency currency) {
        return entry.transactionId() + ","
                + DateTimeFormatter.ISO_INSTANT.format(entry.createdAt()) + ","
                + entry.type() + ","
                + field(defused(entry.description())) + ","
                + Money.ofMinor(entry.amountMinor(), currency).toPlainString() + ","
                + Money.ofMinor(entry.balanceAfterMinor(), currency).toPlainString() + "\r\n";
    }

    /** The text with a leading apostrophe when a spreadsheet would read it as a formula. */
    static String defused(String text) {
        if (text == null || text.isEmpty() || FORMULA_STARTS.indexOf(text.charAt(0)) < 0) {
            return text;
        }
        return "'" + text;
    }

    /** One CSV field: quoted (quotes doubled) when it holds a comma, a quote or a line break. */
    static String field(String text) {
        if (text == null) {
            return "";
        }
        if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            return text;
        }
        return "\"" + text.replace("\"", "\"\"") + "\"";
    }
}
