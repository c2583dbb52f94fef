package org.bankapi.hold;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.bankapi.account.AccountService;
import org.bankapi.audit.AuditLog;
import org.bankapi.ledger.Command;
import org.bankapi.ledger.Hold;
import org.bankapi.ledger.HoldQueries;
import org.bankapi.ledger.HoldStatus;
import org.bankapi.ledger.IdempotencyClaim;
import org.bankapi.ledger.Origin;
import org.bankapi.ledger.Outcome;
import org.bankapi.ledger.PostingEngine;
import org.bankapi.ledger.StoredReply;
import org.bankapi.ledger.Submission;
import org.bankapi.observability.LogFields;
import org.bankapi.security.Caller;
import org.bankapi.transaction.TransactionView;
import org.bankapi.web.Page;
import org.bankapi.web.PageRequest;
import org.bankapi.web.Reply;
import org.bankapi.web.error.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Placing, reading, capturing and voiding holds with the role and ownership rules of the API. Every
 * change goes through the posting engine, under the account's lock, like every other money movement.
 */
@Service
public class HoldService {

    private static final Logger log = LoggerFactory.getLogger(HoldService.class);

    private final PostingEngine engine;
    private final HoldQueries queries;
    private final AccountService accounts;
    private final AuditLog audit;
    private final JsonMapper json;
    private final Clock clock;

    HoldService(
            PostingEngine engine,
            HoldQueries queries,
            AccountService accounts,
            AuditLog audit,
            JsonMapper json,
            Clock clock) {
        this.engine = engine;
        this.queries = queries;
        this.accounts = accounts;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
    }

    public Reply<HoldView> place(Caller caller, PlaceHoldRequest request, IdempotencyClaim claim) {
        Command.PlaceHold command = request.check(caller.ownerRestriction());
        Outcome outcome = submit(caller, command, claim, 201);
        if (outcome.isReplay()) {
            return replay(outcome);
        }
        Hold hold = outcome.booking().hold();
        log.atInfo()
                .addKeyValue("event.action", "hold-created")
                .addKeyValue("bank.hold.id", hold.id())
                .addKeyValue("bank.account.id", hold.accountId())
                .log("Hold placed: {} of {} on account {}", hold.id(), hold.amount(), hold.accountId());
        return Reply.created(view(hold), URI.create(location(hold)));
    }

    /** Books the capture; the reply is the booked transaction (withdrawal or transfer) with its hold_id. */
    public Reply<TransactionView> capture(Caller caller, long id, CaptureHoldRequest request, IdempotencyClaim claim) {
        caller.requireAdmin();
        Command.CaptureHold command = new Command.CaptureHold(id, request == null ? null : request.checkedAmount());
        Outcome outcome = submit(caller, command, claim, 201);
        if (outcome.isReplay()) {
            return replay(outcome);
        }
        var tx = outcome.booking().transaction();
        log.atInfo()
                .addKeyValue("event.action", "hold-captured")
                .addKeyValue("bank.hold.id", id)
                .addKeyValue("bank.transaction.id", tx.id())
                .log("Hold captured: {} as transaction {} of {}", id, tx.id(), tx.amount());
        return Reply.created(TransactionView.of(tx), URI.create("/transactions/" + tx.id()));
    }

    public Reply<HoldView> voidHold(Caller caller, long id, IdempotencyClaim claim) {
        caller.requireAdmin();
        Outcome outcome = submit(caller, new Command.VoidHold(id), claim, 200);
        if (outcome.isReplay()) {
            return replay(outcome);
        }
        log.atInfo()
                .addKeyValue("event.action", "hold-voided")
                .addKeyValue("bank.hold.id", id)
                .log("Hold voided: {}", id);
        return Reply.ok(view(outcome.booking().hold()));
    }

    public HoldView get(Caller caller, long id) {
        Hold hold = queries.find(id).orElseThrow(() -> ProblemException.notFound("hold " + id));
        accounts.requireVisible(caller, hold.accountId());
        return view(hold);
    }

    public Page<HoldView> list(Caller caller, Long accountId, String status, PageRequest page) {
        HoldStatus parsed = null;
        if (status != null) {
            try {
                parsed = HoldStatus.fromWire(status);
            } catch (IllegalArgumentException e) {
                throw ProblemException.validation("status", "must be pending, captured, voided or expired");
            }
        }
        if (accountId != null) {
            accounts.requireVisible(caller, accountId);
        }
        List<Hold> rows = queries.page(
                accountId,
                accountId == null ? caller.ownerRestriction() : null,
                parsed,
                clock.instant(),
                page.afterId(),
                page.fetchSize());
        return page.page(rows, Hold::id, this::view);
    }

    private Outcome submit(Caller caller, Command command, IdempotencyClaim claim, int status) {
        Outcome outcome = engine.submit(new Submission(
                command,
                new Origin(caller.subject(), LogFields.requestId()),
                claim,
                booking -> new Submission.Reply(
                        status,
                        booking.transaction() != null
                                ? "/transactions/" + booking.transaction().id()
                                : status == 201 ? location(booking.hold()) : null,
                        json.writeValueAsBytes(
                                booking.transaction() != null
                                        ? TransactionView.of(booking.transaction())
                                        : view(booking.hold())))));
        if (!outcome.isReplay()) {
            audit.markRecorded();
        }
        return outcome;
    }

    private static <T> Reply<T> replay(Outcome outcome) {
        StoredReply stored = outcome.replayed();
        return Reply.replayed(stored.status(), stored.contentType(), stored.location(), stored.body());
    }

    private HoldView view(Hold hold) {
        return HoldView.of(hold, clock.instant());
    }

    private static String location(Hold hold) {
        return "/holds/" + hold.id();
    }
}
