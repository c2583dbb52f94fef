-- Every change of a customer balance bumps balance_version (under the row lock, in the same UPDATE),
-- so a cached balance carries the version it was read at and a cache never replaces a newer figure
-- by an older one (see org.bankapi.cache.BalanceCache).
ALTER TABLE accounts ADD COLUMN balance_version BIGINT NOT NULL DEFAULT 0 CHECK (balance_version >= 0);
