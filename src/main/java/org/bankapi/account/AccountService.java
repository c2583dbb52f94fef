package org.bankapi.account;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.bankapi.audit.AuditLog;
import org.bankapi.crypto.PersonalData;
import org.bankapi.crypto.PersonalDataVault;
import org.bankapi.idempotency.StoredReplies;
import org.bankapi.ledger.AccountRecords;
import org.bankapi.ledger.AccountRow;
import org.bankapi.ledger.AccountStatus;
import org.bankapi.ledger.Booking;
import org.bankapi.ledger.Command;
import org.bankapi.ledger.IdempotencyClaim;
import org.bankapi.ledger.Origin;
import org.bankapi.ledger.Outcome;
import org.bankapi.ledger.PostingEngine;
import org.bankapi.ledger.StoredReply;
import org.bankapi.ledger.Submission;
import org.bankapi.money.Money;
import org.bankapi.observability.LogFields;
import org.bankapi.observability.Rehearsal;
import org.bankapi.security.Caller;
import org.bankapi.web.Page;
import org.bankapi.web.PageRequest;
import org.bankapi.web.Reply;
import org.bankapi.web.error.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Opening, reading, listing and closing customer accounts, with the role and ownership rules of the API (README, "API overview"). */
@Service
public class AccountService {

    private static final Logger log = LoggerFactory.getLogger(AccountService.class);

    private final AccountRecords accounts;
    private final PersonalDataVault vault;
    private final StoredReplies replies;
    private final PostingEngine engine;
    private final JsonMapper json;
    private final Clock clock;
    private final AuditLog audit;
    private final AccountOpenings openings;

    AccountService(
            AccountRecords accounts,
            PersonalDataVault vault,
            StoredReplies replies,
            PostingEngine engine,
            Clock clock,
            AuditLog audit,
            JsonMapper json,
            AccountOpenings openings) {
        this.accounts = accounts;
        this.vault = vault;
        this.replies = replies;
        this.engine = engine;
        this.json = json;
        this.clock = clock;
        this.audit = audit;
        this.openings = openings;
    }

    /**
     * Opens the account in the posting engine's next batch: the row, its data key, its audit row and its
     * initial deposit commit together, with the Idempotency-Key when there is one.
     */
    public Reply<AccountView> open(Caller caller, OpenAccountRequest request, IdempotencyClaim claim) {
        caller.requireAdmin();
        OpenAccountRequest.Checked checked = request.check();
        Origin origin = new Origin(caller.subject(), LogFields.requestId());
        Instant createdAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Command.Open open = new Command.Open(openings.pending(checked, createdAt, origin), checked.initialDeposit());
        Outcome outcome = engine.submit(new Submission(
                open,
                origin,
                claim,
                booking -> Submission.Reply.created(
                        location(booking.accountId()), json.writeValueAsBytes(opened(checked, createdAt, booking)))));
        if (outcome.isReplay()) {
            StoredReply stored = outcome.replayed();
            return Reply.replayed(stored.status(), stored.contentType(), stored.location(), stored.body());
        }
        audit.markRecorded();
        AccountView created = opened(checked, createdAt, outcome.booking());
        if (!Rehearsal.active()) {
            logCreated(created);
        }
        return Reply.created(created, URI.create(location(created.id())));
    }

    /** One structured line per opened account (a rehearsed opening never existed): never who holds it. */
    private static void logCreated(AccountView created) {
        log.atInfo()
                .addKeyValue("event.action", "account-created")
                .addKeyValue("bank.account.id", created.id())
                .addKeyValue("bank.account.currency", created.currency())
                .addKeyValue("bank.account.balance", created.balance())
                .log("Account created: account {} in {}", created.id(), created.currency());
    }

    private static AccountView opened(OpenAccountRequest.Checked checked, Instant createdAt, Booking booking) {
        long id = booking.accountId();
        String balance =
                Money.ofMinor(booking.balanceOf(id), checked.currency()).toPlainString();
        return new AccountView(
                id,
                checked.ownerId(),
                checked.holderName(),
                checked.email(),
                checked.currency().getCurrencyCode(),
                balance,
                balance,
                AccountStatus.OPEN.wireName(),
                createdAt);
    }

    private static String location(long accountId) {
        return "/accounts/" + accountId;
    }

    /**
     * The account with the balance of the row just read: one query (row and data key together), and
     * no unwrap when the key is cached. The balance cache is not asked: it can only hold this
     * version or an older one than a row read now.
     */
    public AccountView get(Caller caller, long id) {
        AccountRow row = accounts.find(id).orElseThrow(() -> ProblemException.notFound("account " + id));
        requireOwnerOrAdmin(caller, id, row.ownerId());
        return view(row);
    }

    /** A page of accounts, each with its row's balance: one query for the page. */
    public Page<AccountView> list(Caller caller, PageRequest page) {
        List<AccountRow> rows = accounts.page(caller.ownerRestriction(), page.afterId(), page.fetchSize());
        return page.page(rows, AccountRow::id, this::view);
    }

    @Transactional
    public AccountView close(Caller caller, long id) {
        caller.requireAdmin();
        return accounts.closeIfEmpty(id, clock.instant().truncatedTo(ChronoUnit.MICROS))
                .map(row -> {
                    audit.succeeded("account.closed", "/accounts/" + id, Map.of());
                    return view(row);
                })
                .orElseThrow(() -> {
                    AccountRow row = accounts.find(id).orElseThrow(() -> ProblemException.notFound("account " + id));
                    if (row.status() != AccountStatus.OPEN) {
                        return ProblemException.rule("account_closed", "account " + id + " is already closed");
                    }
                    return ProblemException.rule("balance_not_zero", "account " + id + " still holds " + row.balance());
                });
    }

    /** Erases the holder's personal data by destroying the account's data key; the ledger stays whole. */
    @Transactional
    public void erasePersonalData(Caller caller, long id) {
        caller.requireAdmin();
        accounts.find(id).orElseThrow(() -> ProblemException.notFound("account " + id));
        // a stored replay of the account's opening holds its personal data too
        replies.forgetAt(location(id));
        boolean destroyed = vault.erase(id);
        audit.succeeded("account.personal_data_erased", "/accounts/" + id, Map.of("key_destroyed", destroyed));
        log.info("Personal data erased: account {}", id);
    }

    /** The account ids a customer owns: used to scope transaction lists. */
    public List<Long> idsOwnedBy(String owner) {
        return accounts.idsOwnedBy(owner);
    }

    /**
     * Checks that the caller may see the account: 404 when it does not exist, 403 when it is someone
     * else's. Reads only the owner, never the personal data.
     */
    public void requireVisible(Caller caller, long id) {
        String owner = accounts.ownerOf(id).orElseThrow(() -> ProblemException.notFound("account " + id));
        requireOwnerOrAdmin(caller, id, owner);
    }

    private static void requireOwnerOrAdmin(Caller caller, long id, String owner) {
        if (!caller.admin() && !caller.subject().equals(owner)) {
            throw ProblemException.forbidden("account " + id + " belongs to someone else");
        }
    }

    /** The account as stored, balance included: the row is the only source (inside a writing transaction too). */
    private AccountView view(AccountRow row) {
        PersonalData personal = vault.open(row.id(), row.personalData(), row.dataKey());
        return new AccountView(
                row.id(),
                row.ownerId(),
                personal.holderName(),
                personal.email(),
                row.currency().getCurrencyCode(),
                row.balance().toPlainString(),
                Money.ofMinor(row.balanceMinor() - row.activeHeldMinor(), row.currency())
                        .toPlainString(),
                row.status().wireName(),
                row.createdAt());
    }
}
