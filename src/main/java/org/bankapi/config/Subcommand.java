package org.bankapi.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * The jar's subcommands, by the name given as the first argument; {@code bank.command} carries that
 * name into the context, where the consume process and the key rotation leave out what they do not serve.
 */
public enum Subcommand {
    SERVE("serve"),
    CONSUME("consume"),
    INIT_DB("init-db"),
    TOKEN("token"),
    ROTATE_KEYS("rotate-keys");

    private final String wireName;

    Subcommand(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The subcommand an argument names; empty for anything else (which {@code serve} then takes as its own). */
    public static Optional<Subcommand> named(String argument) {
        return Arrays.stream(values())
                .filter(command -> command.wireName.equals(argument))
                .findFirst();
    }
}
