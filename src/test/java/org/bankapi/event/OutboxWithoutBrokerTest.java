package org.bankapi.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.bankapi.support.Api;
import org.bankapi.support.ApiTest;
import org.bankapi.support.Bank;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The shared context has no KAFKA_BOOTSTRAP_SERVERS: money moves, events wait in the outbox, the service is ready. */
class OutboxWithoutBrokerTest extends ApiTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    OutboxRelay relay;

    @Autowired
    KafkaClients kafka;

    @Test
    void keepsEveryEventInTheOutboxAndStaysReady() {
        Api api = api();
        Bank bank = new Bank(api);
        long account = bank.openAccount(Bank.newOwner(), "10");
        Api.Response deposit = bank.deposit(bank.admin(), account, "5");
        assertThat(deposit.status()).isEqualTo(201);

        assertThat(kafka.configured()).isFalse();
        assertThat(relay.isRunning()).isFalse();
        assertThat(jdbc.sql("SELECT count(*) FROM outbox_events WHERE message_key = :key")
                        .param("key", Long.toString(account))
                        .query(Integer.class)
                        .single())
                .isEqualTo(2);
        assertThat(jdbc.sql("SELECT count(*) FROM outbox_events WHERE payload::jsonb -> 'transaction' ->> 'id' = :id")
                        .param("id", deposit.json().get("id").asString())
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
        Api.Response ready = api.anonymous().get("/health/ready");
        assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
        assertThat(ready.json().get("status").asString()).isEqualTo("UP");
    }

    @Test
    void refusedRequestsWriteNoEvent() {
        Api api = api();
        Bank bank = new Bank(api);
        long account = bank.openAccount(Bank.newOwner(), "10");
        assertThat(bank.withdraw(bank.admin(), account, "11").status()).isEqualTo(422);
        assertThat(jdbc.sql("SELECT count(*) FROM outbox_events WHERE message_key = :key")
                        .param("key", Long.toString(account))
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
    }
}
