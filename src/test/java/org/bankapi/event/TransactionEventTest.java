package org.bankapi.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Currency;
import java.util.List;
import org.bankapi.ledger.LedgerTransaction;
import org.bankapi.ledger.TransactionStatus;
import org.bankapi.ledger.TransactionType;
import org.bankapi.money.Money;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class TransactionEventTest {

    private static final Currency EUR = Currency.getInstance("EUR");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final LedgerTransaction transfer = new LedgerTransaction(
            42,
            TransactionType.TRANSFER,
            TransactionStatus.COMPLETED,
            Money.ofMinor(1_250_050, EUR),
            1001,
            2002L,
            "rent",
            null,
            Instant.parse("2026-11-28T10:15:30.123456Z"));

    @Test
    void writesTheDocumentedJson() {
        JsonNode event = JSON.readTree(TransactionEvent.of(transfer).toJson());

        assertThat(event.propertyNames())
                .containsExactly("version", "event_id", "event_type", "occurred_at", "transaction");
        assertThat(event.get("version").asInt()).isEqualTo(1);
        assertThat(event.get("event_type").asString()).isEqualTo("transaction.completed");
        assertThat(event.get("occurred_at").asString()).isEqualTo("2026-11-28T10:15:30.123456Z");
        JsonNode tx = event.get("transaction");
        assertThat(tx.propertyNames())
                .containsExactly(
                        "id",
                        "type",
                        "status",
                        "amount",
                        "currency",
                        "account_id",
                        "target_account_id",
                        "description",
                        "created_at");
        assertThat(tx.get("amount").asString()).isEqualTo("12500.50");
        assertThat(tx.get("account_id").asLong()).isEqualTo(1001);
        assertThat(tx.get("target_account_id").asLong()).isEqualTo(2002);
    }

    @Test
    void derivesTheEventIdAndKeyFromTheTransaction() {
        TransactionEvent once = TransactionEvent.of(transfer);
        TransactionEvent again = TransactionEvent.of(transfer);
        assertThat(once.eventId()).isEqualTo(again.eventId());
        assertThat(once.key()).isEqualTo("1001");
        LedgerTransaction other = new LedgerTransaction(
                43,
                TransactionType.DEPOSIT,
                TransactionStatus.COMPLETED,
                Money.ofMinor(1, EUR),
                1001,
                null,
                null,
                null,
                transfer.createdAt());
        assertThat(TransactionEvent.of(other).eventId()).isNotEqualTo(once.eventId());
    }

    @Test
    void readsBackWhatItWrites() {
        TransactionEvent event = TransactionEvent.of(transfer);
        TransactionEvent.Received received = TransactionEvent.parse(event.toJson());
        assertThat(received.eventId()).isEqualTo(event.eventId());
        assertThat(received.transactionId()).isEqualTo(42);
        assertThat(received.transactionType()).isEqualTo("transfer");
        assertThat(received.amount()).isEqualTo(Money.ofMinor(1_250_050, EUR));
        assertThat(received.accountId()).isEqualTo(1001);
        assertThat(received.occurredAt()).isEqualTo(transfer.createdAt());
    }

    @Test
    void refusesWhatItCannotRead() {
        String good = TransactionEvent.of(transfer).toJson();
        for (String poison : List.of(
                "not json",
                "[1,2]",
                "null",
                "",
                good.replace("\"version\":1", "\"version\":2"),
                good.replace("\"version\":1,", ""),
                good.replace("transaction.completed", "transaction.exploded"),
                good.replace("\"12500.50\"", "\"-3\""),
                good.replace("\"12500.50\"", "\"lots\""),
                good.replace("\"EUR\"", "\"XYZ\""),
                good.replace("\"account_id\":1001", "\"account_id\":\"1001\""))) {
            assertThatThrownBy(() -> TransactionEvent.parse(poison))
                    .as(poison)
                    .isInstanceOf(TransactionEvent.InvalidEventException.class);
        }
    }
}
