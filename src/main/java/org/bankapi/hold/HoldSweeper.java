package org.bankapi.hold;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.bankapi.ledger.Command;
import org.bankapi.ledger.HoldQueries;
import org.bankapi.ledger.Origin;
import org.bankapi.ledger.Outcome;
import org.bankapi.ledger.PostingEngine;
import org.bankapi.ledger.Submission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Marks pending holds past their expiry expired, through the posting engine (under the account's lock,
 * with a {@code hold.expired} event once). Reads never wait for it: a hold past its expiry already reads
 * expired and reserves nothing; the sweeper only writes that down and emits the event.
 */
@Component
class HoldSweeper {

    private static final Logger log = LoggerFactory.getLogger(HoldSweeper.class);
    static final int SWEEP_HOLDS_MAX = 500;
    private static final Origin SWEEPER = new Origin("system", null);

    private final HoldQueries queries;
    private final PostingEngine engine;
    private final Clock clock;

    HoldSweeper(HoldQueries queries, PostingEngine engine, Clock clock) {
        this.queries = queries;
        this.engine = engine;
        this.clock = clock;
    }

    @Scheduled(
            fixedDelayString = "#{@holdSettings.sweepInterval()}",
            initialDelayString = "#{@holdSettings.sweepInterval()}")
    int sweep() {
        List<Long> expired = queries.expiredPending(clock.instant(), SWEEP_HOLDS_MAX);
        if (expired.isEmpty()) {
            return 0;
        }
        List<CompletableFuture<Outcome>> results = new ArrayList<>();
        for (long id : expired) {
            results.add(engine.enqueue(new Submission(new Command.ExpireHold(id), SWEEPER, null, null)));
        }
        int swept = 0;
        for (CompletableFuture<Outcome> result : results) {
            try {
                result.join();
                swept++;
            } catch (RuntimeException e) {
                // another instance swept it first, or the engine is busy: the next sweep looks again
            }
        }
        if (swept > 0) {
            log.atInfo().addKeyValue("event.action", "holds-expired").log("Holds expired: {}", swept);
        }
        return swept;
    }
}
