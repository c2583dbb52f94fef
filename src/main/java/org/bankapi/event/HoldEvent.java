package org.bankapi.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.bankapi.ledger.Hold;
import org.bankapi.money.Money;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Kafka event of one change of a hold ({@code hold.created}, {@code hold.captured},
 * {@code hold.voided}, {@code hold.expired}), in the envelope of the transaction events, keyed by
 * the hold's account so that an account's events stay in booking order (docs/events.md).
 */
record HoldEvent(int version, UUID eventId, String eventType, Instant occurredAt, Payload hold) {

    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    /** The hold as the event shows it: the fields of the API's hold, with amounts as decimal strings. */
    record Payload(
            long id,
            long accountId,
            Long targetAccountId,
            String amount,
            String currency,
            String status,
            String capturedAmount,
            String description,
            Instant expiresAt,
            Instant createdAt,
            Long transactionId) {}

    /** The event of a hold's change; its id derives from the hold and the change, so it is the same on every relay. */
    static HoldEvent of(Hold hold, String eventType, Instant occurredAt) {
        UUID eventId = UUID.nameUUIDFromBytes(("hold:" + hold.id() + ":" + eventType).getBytes(StandardCharsets.UTF_8));
        String captured = hold.capturedMinor() == null
                ? null
                : Money.ofMinor(hold.capturedMinor(), hold.amount().currency()).toPlainString();
        return new HoldEvent(
                TransactionEvent.VERSION,
                eventId,
                eventType,
                occurredAt,
                new Payload(
                        hold.id(),
                        hold.accountId(),
                        hold.targetAccountId(),
                        hold.amount().toPlainString(),
                        hold.amount().currency().getCurrencyCode(),
                        hold.status().wireName(),
                        captured,
                        hold.description(),
                        hold.expiresAt(),
                        hold.createdAt(),
                        hold.transactionId()));
    }

    String key() {
        return Long.toString(hold.accountId());
    }

    String toJson() {
        return JSON.writeValueAsString(this);
    }
}
