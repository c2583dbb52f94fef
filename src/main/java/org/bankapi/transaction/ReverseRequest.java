package org.bankapi.transaction;

import org.bankapi.web.error.ProblemException;

/** The optional body of POST /transactions/{id}/reverse. */
public record ReverseRequest(String description) {
    String checkedDescription() {
        if (description != null && description.length() > CreateTransactionRequest.DESCRIPTION_CHARS_MAX) {
            throw ProblemException.validation(
                    "description", "must be at most " + CreateTransactionRequest.DESCRIPTION_CHARS_MAX + " characters");
        }
        return description;
    }
}
