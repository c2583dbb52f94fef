package org.bankapi.ledger;

import java.time.Instant;
import org.bankapi.money.Money;

/**
 * A hold as the ledger keeps it: funds of {@code accountId} reserved until captured (booked as a
 * withdrawal, or a transfer to {@code targetAccountId}), voided, or expired. A pending hold past its
 * expiry is expired from that instant, whatever the sweeper has done yet: read it with {@link #statusAt}.
 */
public record Hold(
        long id,
        long accountId,
        Long targetAccountId,
        Money amount,
        HoldStatus status,
        Long capturedMinor,
        String description,
        Instant expiresAt,
        Instant createdAt,
        Instant settledAt,
        Long transactionId) {

    public Hold {
        if (amount.minorUnits() <= 0) {
            throw new IllegalStateException("hold " + id + " reserves a non-positive amount: ledger corrupt");
        }
        if ((status == HoldStatus.CAPTURED) != (capturedMinor != null && transactionId != null)) {
            throw new IllegalStateException("hold " + id + " is " + status + " with captured " + capturedMinor);
        }
        if (capturedMinor != null && (capturedMinor <= 0 || capturedMinor > amount.minorUnits())) {
            throw new IllegalStateException("hold " + id + " captured " + capturedMinor + " of " + amount.minorUnits());
        }
        if ((status == HoldStatus.PENDING) != (settledAt == null)) {
            throw new IllegalStateException("hold " + id + " is " + status + " with settled_at " + settledAt);
        }
        if (!expiresAt.isAfter(createdAt)) {
            throw new IllegalStateException("hold " + id + " expires before it was created");
        }
    }

    /** The status as a client sees it at {@code now}: a pending hold past its expiry is expired. */
    public HoldStatus statusAt(Instant now) {
        return status == HoldStatus.PENDING && !now.isBefore(expiresAt) ? HoldStatus.EXPIRED : status;
    }

    /** Pending and not yet expired at {@code now}: it still reserves its funds. */
    boolean reservesAt(Instant now) {
        return statusAt(now) == HoldStatus.PENDING;
    }

    Hold settled(HoldStatus newStatus, Long captured, Long transaction, Instant at) {
        return new Hold(
                id,
                accountId,
                targetAccountId,
                amount,
                newStatus,
                captured,
                description,
                expiresAt,
                createdAt,
                at,
                transaction);
    }

    Hold withId(long newId) {
        return new Hold(
                newId,
                accountId,
                targetAccountId,
                amount,
                status,
                capturedMinor,
                description,
                expiresAt,
                createdAt,
                settledAt,
                transactionId);
    }
}
