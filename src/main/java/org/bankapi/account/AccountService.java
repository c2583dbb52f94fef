package org.bankapi.account;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.bankapi.audit.AuditLog;
import org.bankapi.crypto.PersonalData;
import org.bankapi.crypto.PersonalDataVault;
import org.bankapi.crypto.SealedPersonalData;
import org.bankapi.ledger.Ledger;
import org.bankapi.ledger.TransactionType;
import org.bankapi.problem.ProblemException;
import org.bankapi.security.Caller;
import org.bankapi.web.Page;
import org.bankapi.web.PageRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Opening, reading, listing and closing customer accounts, with the role and ownership rules of the contract. */
@Service
public class AccountService {

    private static final Logger log = LoggerFactory.getLogger(AccountService.class);
    /** Customer account ids: random in [1000, 2^53), exact in JavaScript, spread over both partitions. */
    static final long ID_MIN = 1000;
    static final long ID_MAX_EXCLUSIVE = 1L << 53;
    private static final int ID_ATTEMPTS_MAX = 5;

    private final AccountRepository accounts;
    private final PersonalDataVault vault;
    private final Ledger ledger;
    private final Clock clock;
    private final AuditLog audit;
    private final SecureRandom random = new SecureRandom();

    AccountService(AccountRepository accounts, PersonalDataVault vault, Ledger ledger, Clock clock, AuditLog audit) {
        this.accounts = accounts;
        this.vault = vault;
        this.ledger = ledger;
        this.clock = clock;
        this.audit = audit;
    }

    @Transactional
    public AccountView open(Caller caller, OpenAccountRequest request) {
        caller.requireAdmin();
        OpenAccountRequest.Checked checked = request.check();
        long id = insertWithFreshId(checked);
        audit.succeeded("account.opened", "/accounts/" + id,
                java.util.Map.of("owner_id", checked.ownerId(), "currency", checked.currency().getCurrencyCode()));
        if (checked.initialDeposit() != null) {
            ledger.post(new Ledger.PostingRequest(TransactionType.DEPOSIT, id, null, checked.initialDeposit(),
                    "initial deposit", null));
        }
        AccountRow created = accounts.find(id).orElseThrow();
        log.atInfo()
                .addKeyValue("event.action", "account-created")
                .addKeyValue("bank.account.id", id)
                .addKeyValue("bank.account.currency", created.currency().getCurrencyCode())
                .addKeyValue("bank.account.balance", created.balance().toDecimal())
                .log("Account created: account {} in {}", id, created.currency().getCurrencyCode());
        return view(created);
    }

    /** Every customer account has a data key, so a free data-key id is a free account id. */
    private long insertWithFreshId(OpenAccountRequest.Checked checked) {
        for (int attempt = 1; attempt <= ID_ATTEMPTS_MAX; attempt++) {
            long id = random.nextLong(ID_MIN, ID_MAX_EXCLUSIVE);
            Optional<SealedPersonalData> sealed = vault.seal(id, PersonalData.of(checked.holderName(), checked.email()));
            if (sealed.isPresent()) {
                accounts.insert(id, checked.ownerId(), sealed.get(), checked.currency(), clock.instant().truncatedTo(ChronoUnit.MICROS));
                return id;
            }
        }
        throw new IllegalStateException("no free account id after " + ID_ATTEMPTS_MAX + " attempts");
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
        return accounts.closeIfEmpty(id, clock.instant().truncatedTo(ChronoUnit.MICROS)).map(row -> {
            audit.succeeded("account.closed", "/accounts/" + id, java.util.Map.of());
            return view(row);
        }).orElseThrow(() -> {
            AccountRow row = accounts.find(id).orElseThrow(() -> ProblemException.notFound("account " + id));
            if (!"open".equals(row.status())) {
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
        boolean destroyed = vault.erase(id);
        audit.succeeded("account.personal_data_erased", "/accounts/" + id, java.util.Map.of("key_destroyed", destroyed));
        log.info("Personal data erased: account {}", id);
    }

    /** The currency of a customer account, without reading its personal data. */
    public java.util.Optional<java.util.Currency> currencyOf(long id) {
        return accounts.currencyOf(id);
    }

    /** The account ids a customer owns: used to scope transaction lists. */
    public java.util.List<Long> idsOwnedBy(String owner) {
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
        return new AccountView(row.id(), row.ownerId(), personal.holderName(), personal.email(),
                row.currency().getCurrencyCode(), row.balance().toPlainString(), row.status(), row.createdAt());
    }
}
