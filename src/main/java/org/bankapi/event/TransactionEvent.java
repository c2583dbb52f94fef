package org.bankapi.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Currency;
import java.util.UUID;
import org.bankapi.ledger.LedgerTransaction;
import org.bankapi.money.InvalidAmountException;
import org.bankapi.money.Money;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Kafka event of one booked transaction, version {@value #VERSION}: its JSON is a published
 * format (docs/events.md), so it is built by its own mapper rather than the web layer's.
 * {@code transaction} has the fields of the API's transaction view, in a record of its own, so the
 * API's view can change without changing the event.
 */
public record TransactionEvent(int version, UUID eventId, String eventType, Instant occurredAt, Payload transaction) {

    public static final int VERSION = 1;
    public static final String TYPE_COMPLETED = "transaction.completed";

    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    /** The transaction as the event shows it; {@code reverses} only on reversals, {@code hold_id} only on captures. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Payload(
            long id,
            String type,
            String status,
            String amount,
            String currency,
            long accountId,
            Long targetAccountId,
            String description,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long reverses,
            Instant createdAt,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long holdId) {

        static Payload of(LedgerTransaction tx) {
            return new Payload(
                    tx.id(),
                    tx.type().wireName(),
                    tx.status().wireName(),
                    tx.amount().toPlainString(),
                    tx.amount().currency().getCurrencyCode(),
                    tx.accountId(),
                    tx.targetAccountId(),
                    tx.description(),
                    tx.reverses(),
                    tx.createdAt(),
                    tx.holdId());
        }
    }

    /** The event of a booked transaction; its id derives from the transaction id, so it is the same on every relay. */
    public static TransactionEvent of(LedgerTransaction tx) {
        UUID eventId = UUID.nameUUIDFromBytes(("transaction:" + tx.id()).getBytes(StandardCharsets.UTF_8));
        return new TransactionEvent(VERSION, eventId, TYPE_COMPLETED, tx.createdAt(), Payload.of(tx));
    }

    /** The Kafka key: the source account, so that one account's events stay in one partition, in order. */
    public String key() {
        return Long.toString(transaction.accountId());
    }

    public String toJson() {
        return JSON.writeValueAsString(this);
    }

    /** True for the events of holds on the same topic, which a consumer of transaction events reads past. */
    public static boolean isHoldEvent(String json) {
        try {
            JsonNode type = json == null ? null : JSON.readTree(json).path("event_type");
            return type != null && type.isString() && type.asString().startsWith("hold.");
        } catch (JacksonException e) {
            return false;
        }
    }

    /**
     * Reads an event of a version this service knows; anything else (not JSON, another version or
     * type, a missing or malformed field) is an {@link InvalidEventException}, never retried.
     */
    public static Received parse(String json) {
        JsonNode root;
        try {
            root = json == null ? null : JSON.readTree(json);
        } catch (JacksonException e) {
            throw new InvalidEventException("not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidEventException("not a JSON object");
        }
        JsonNode version = root.path("version");
        if (!version.isIntegralNumber() || version.asInt() != VERSION) {
            throw new InvalidEventException("unknown event version " + version);
        }
        if (!TYPE_COMPLETED.equals(text(root, "event_type"))) {
            throw new InvalidEventException("unknown event type " + root.path("event_type"));
        }
        JsonNode tx = root.path("transaction");
        if (!tx.isObject()) {
            throw new InvalidEventException("transaction is missing");
        }
        try {
            Currency currency = Currency.getInstance(text(tx, "currency"));
            Money amount = Money.ofPositive(new BigDecimal(text(tx, "amount")), currency);
            return new Received(
                    UUID.fromString(text(root, "event_id")),
                    Instant.parse(text(root, "occurred_at")),
                    number(tx, "id"),
                    text(tx, "type"),
                    amount,
                    number(tx, "account_id"));
        } catch (IllegalArgumentException | DateTimeParseException | InvalidAmountException e) {
            throw new InvalidEventException("malformed field: " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isString()) {
            throw new InvalidEventException(field + " must be a string");
        }
        return value.asString();
    }

    private static long number(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isIntegralNumber()) {
            throw new InvalidEventException(field + " must be an integer");
        }
        return value.asLong();
    }

    /** What a consumer needs of an event, checked. */
    public record Received(
            UUID eventId,
            Instant occurredAt,
            long transactionId,
            String transactionType,
            Money amount,
            long accountId) {}

    /** An event this service cannot read: a poison message, parked on the dead-letter topic. */
    public static class InvalidEventException extends RuntimeException {
        public InvalidEventException(String message) {
            super(message);
        }
    }
}
