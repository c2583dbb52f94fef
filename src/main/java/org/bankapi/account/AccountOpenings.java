package org.bankapi.account;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.bankapi.audit.AuditEvent;
import org.bankapi.audit.AuditLog;
import org.bankapi.crypto.PersonalData;
import org.bankapi.crypto.PersonalDataVault;
import org.bankapi.crypto.SealedPersonalData;
import org.bankapi.ledger.AccountRecords;
import org.bankapi.ledger.Command;
import org.bankapi.ledger.Origin;
import org.bankapi.money.Currencies;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Writes a batch's new accounts inside the posting engine's transaction: the data keys in one
 * statement, the account rows in one, their audit rows in one, so a hundred openings cost what one
 * did. Every account still gets a data key of its own (its id is drawn until the key's insert takes).
 */
@Component
class AccountOpenings implements Command.AccountOpener {

    /** Customer account ids: random in [1000, 2^53), above every cash account id, exact in JavaScript, spread over both partitions. */
    static final long ID_MIN = Currencies.NUMERIC_CODE_MAX + 1;

    static final long ID_MAX_EXCLUSIVE = 1L << 53;
    static final int ID_DRAWS_MAX = 5;

    private final AccountRecords accounts;
    private final PersonalDataVault vault;
    private final AuditLog audit;
    private final LongSupplier ids;

    @Autowired
    AccountOpenings(AccountRecords accounts, PersonalDataVault vault, AuditLog audit) {
        this(accounts, vault, audit, randomIds(new SecureRandom()));
    }

    AccountOpenings(AccountRecords accounts, PersonalDataVault vault, AuditLog audit, LongSupplier ids) {
        this.accounts = accounts;
        this.vault = vault;
        this.audit = audit;
        this.ids = ids;
    }

    static LongSupplier randomIds(SecureRandom random) {
        return () -> random.nextLong(ID_MIN, ID_MAX_EXCLUSIVE);
    }

    /** One account to open, as the request checked it; the batch gives it its id. */
    record Pending(OpenAccountRequest.Checked checked, Instant createdAt, Origin origin, AccountOpenings opener)
            implements Command.AccountOpening {}

    Pending pending(OpenAccountRequest.Checked checked, Instant createdAt, Origin origin) {
        return new Pending(checked, createdAt, origin, this);
    }

    @Override
    public long[] insertAll(List<Command.AccountOpening> openings) {
        List<Pending> pending = openings.stream().map(o -> (Pending) o).toList();
        long[] opened = new long[pending.size()];
        SealedPersonalData[] sealed = new SealedPersonalData[pending.size()];
        List<Integer> unkeyed = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
            unkeyed.add(i);
        }
        for (int draw = 1; !unkeyed.isEmpty(); draw++) {
            if (draw > ID_DRAWS_MAX) {
                throw new IllegalStateException("no free account id after " + ID_DRAWS_MAX + " draws");
            }
            Map<Long, Integer> byId = new LinkedHashMap<>();
            Map<Long, PersonalData> data = new LinkedHashMap<>();
            for (int i : unkeyed) {
                long id = ids.getAsLong();
                for (int again = 1; byId.containsKey(id); again++) {
                    if (again >= ID_DRAWS_MAX) {
                        throw new IllegalStateException("the id source repeats itself");
                    }
                    id = ids.getAsLong();
                }
                byId.put(id, i);
                OpenAccountRequest.Checked checked = pending.get(i).checked();
                data.put(id, PersonalData.of(checked.holderName(), checked.email()));
            }
            // an id whose data key exists already is absent from the answer: it draws again
            Map<Long, SealedPersonalData> keyed = vault.sealAll(data);
            List<Integer> again = new ArrayList<>();
            byId.forEach((id, i) -> {
                SealedPersonalData personal = keyed.get(id);
                if (personal == null) {
                    again.add(i);
                } else {
                    opened[i] = id;
                    sealed[i] = personal;
                }
            });
            unkeyed = again;
        }
        List<AccountRecords.NewAccount> rows = new ArrayList<>();
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
            Pending p = pending.get(i);
            rows.add(new AccountRecords.NewAccount(
                    opened[i], p.checked().ownerId(), sealed[i], p.checked().currency(), p.createdAt()));
            events.add(new AuditEvent(
                    p.createdAt(),
                    p.origin().requestId(),
                    p.origin().principal(),
                    "account.opened",
                    "/accounts/" + opened[i],
                    AuditEvent.SUCCEEDED,
                    null,
                    Map.of(
                            "owner_id",
                            p.checked().ownerId(),
                            "currency",
                            p.checked().currency().getCurrencyCode())));
        }
        accounts.insertAll(rows);
        audit.recordAll(events);
        return opened;
    }
}
