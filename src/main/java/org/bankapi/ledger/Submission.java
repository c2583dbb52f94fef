package org.bankapi.ledger;

import java.util.function.Function;

/**
 * One request for the posting engine: the command, who asked, and when it carries an
 * Idempotency-Key, the claim and how to render the response stored with it.
 */
public record Submission(Command command, Origin origin, IdempotencyClaim claim, Function<Booking, Reply> reply) {

    public Submission {
        if (command == null || origin == null) {
            throw new IllegalArgumentException("a submission has a command and an origin");
        }
        if (claim != null && reply == null) {
            throw new IllegalArgumentException("a keyed submission renders the reply stored with its key");
        }
    }

    /** The success response of a booking (JSON), as stored for replays. */
    public record Reply(int status, String location, byte[] body) {
        public static final String CONTENT_TYPE = "application/json";

        public static Reply created(String location, byte[] body) {
            return new Reply(201, location, body);
        }
    }
}
