package org.bankapi.idempotency;

import org.springframework.stereotype.Service;

/**
 * The stored responses of Idempotency-Keys as other features may touch them: an account's erasure
 * forgets the stored response of its opening, which holds the personal data it erases.
 */
@Service
public class StoredReplies {

    private final IdempotencyRepository repository;

    StoredReplies(IdempotencyRepository repository) {
        this.repository = repository;
    }

    /** Deletes the stored responses whose Location is {@code location}, in the caller's transaction. */
    public void forgetAt(String location) {
        repository.deleteAt(location);
    }
}
