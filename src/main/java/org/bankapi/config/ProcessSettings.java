package org.bankapi.config;

import java.nio.file.Path;

/**
 * What this process is: its subcommand ({@code bank.command}, which the entry point sets), the HTTP
 * port (PORT), the database (DATABASE_URL) and its local data directory (BANK_DATA_DIR).
 */
public record ProcessSettings(Subcommand command, int port, DatabaseUrl database, Path dataDir) {

    /** The {@code serve} process: the API, the relay and (unless CONSUMER_ENABLED=false) the fraud consumer. */
    public boolean serves() {
        return command == Subcommand.SERVE;
    }

    /** The {@code consume} process: the fraud consumer alone, with health and metrics on its port. */
    public boolean consumes() {
        return command == Subcommand.CONSUME;
    }
}
