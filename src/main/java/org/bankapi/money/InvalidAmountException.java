package org.bankapi.money;

/** A client-supplied amount or currency that breaks a money rule; always a 400, never a 500. */
public class InvalidAmountException extends RuntimeException {
    public InvalidAmountException(String message) {
        super(message);
    }
}
