"""Locust load test of the Banking Transaction API.

Each simulated user opens two accounts of its own (through ADMIN_TOKEN, owner: the customer's
subject, with an initial deposit), then, as the customer (CUSTOMER_TOKEN), mixes reads (the
account, its transactions, its statement) with deposits, small withdrawals and transfers between
its two accounts, and places holds (some with the other account as target) that the admin then
captures partly (a withdrawal or transfer carrying hold_id) or voids.

Configuration comes from the environment, else from a `.env` file in the repository root:
  CUSTOMER_TOKEN  bearer token of a customer                        (required)
  ADMIN_TOKEN     bearer token with the admin role                  (required)
  CUSTOMER_SUB    overrides the subject read from CUSTOMER_TOKEN     (default: the token's `sub`)
  LOCUST_HOST     base URL when -H/--host is not given              (default http://localhost:8000)

Run (Debian's python3-locust 2.12 or `pip install locust`):
  locust -f tests/load_test.py -H http://localhost:8000                       # web UI on :8089
  locust -f tests/load_test.py -H http://localhost:8000 --headless -u 100 -r 10 -t 2m

Every response is checked (status and body); anything else counts as a failure, except
422 insufficient_funds where it is an expected outcome (a withdrawal, transfer or hold racing the
user's other requests for the available balance).
"""

import base64
import json
import logging
import os
import random
import uuid
from decimal import Decimal
from pathlib import Path

from locust import HttpUser, between, task
from locust.exception import StopUser

REPO_ROOT = Path(__file__).resolve().parent.parent


def _load_dotenv(path):
    """Minimal .env parser: KEY=VALUE lines, '#' comments, optional 'export ', optional quotes."""
    values = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return values
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        key, _, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        if key:
            values[key] = value
    return values


_DOTENV = _load_dotenv(REPO_ROOT / ".env")


def setting(name, default=None):
    """The environment wins over .env; empty values count as unset."""
    value = os.environ.get(name) or _DOTENV.get(name)
    return value if value else default


CUSTOMER_TOKEN = setting("CUSTOMER_TOKEN")
ADMIN_TOKEN = setting("ADMIN_TOKEN")


def token_subject(token):
    """The `sub` claim of a JWT, read from its payload (base64url, the middle part); None if unreadable.
    The signature is not checked: the service does that; this only names the owner to open accounts for."""
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        return json.loads(base64.urlsafe_b64decode(payload)).get("sub")
    except (AttributeError, IndexError, ValueError, TypeError):
        return None


CUSTOMER_SUB = setting("CUSTOMER_SUB") or token_subject(CUSTOMER_TOKEN)
INITIAL_DEPOSIT = Decimal("1000.00")
# Holds live an hour, far beyond any run, so that a capture or void never meets an expired hold.
HOLD_EXPIRES_IN_SECONDS = 3600
# A user keeps at most this many holds pending; placing one more settles the oldest instead.
PENDING_HOLDS_MAX = 3


def _money(low, high):
    """A random amount with two decimals, as the string the API expects (never a float)."""
    cents = random.randint(int(low * 100), int(high * 100))
    return _cents_to_string(cents)


def _cents_to_string(cents):
    return str((Decimal(cents) / 100).quantize(Decimal("0.01")))


def _error_code(response):
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None


class BankingCustomer(HttpUser):
    """A customer working on its own two accounts."""

    wait_time = between(0.5, 2.0)
    host = setting("LOCUST_HOST", "http://localhost:8000")

    def on_start(self):
        if not CUSTOMER_TOKEN or not ADMIN_TOKEN or not CUSTOMER_SUB:
            message = (
                "CUSTOMER_TOKEN and ADMIN_TOKEN must be set (environment or .env in the repository root)"
                if not CUSTOMER_TOKEN or not ADMIN_TOKEN
                else "CUSTOMER_TOKEN carries no readable `sub` claim: set CUSTOMER_SUB"
            )
            logging.error(message)
            # Recorded as a failure so that a headless run exits non-zero.
            self.environment.events.request.fire(
                request_type="CONFIG",
                name="CUSTOMER_TOKEN/ADMIN_TOKEN",
                response_time=0,
                response_length=0,
                response=None,
                context={},
                exception=RuntimeError(message),
            )
            raise StopUser()
        self.customer_headers = {"Authorization": f"Bearer {CUSTOMER_TOKEN}"}
        self.admin_headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        self.account_ids = [self._open_account(label) for label in ("main", "savings")]
        # The user's pending holds, oldest first: (hold id, amount as a string, target account id or None).
        self.pending_holds = []

    def _open_account(self, label):
        payload = {
            "owner_id": CUSTOMER_SUB,
            "holder_name": f"Load Test {label.title()}",
            "email": f"{CUSTOMER_SUB}+{label}@example.com",
            "currency": "EUR",
            "initial_deposit": str(INITIAL_DEPOSIT),
        }
        with self.client.post(
            "/accounts",
            json=payload,
            headers={**self.admin_headers, "Idempotency-Key": str(uuid.uuid4())},
            name="POST /accounts (admin, on_start)",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"open account: {response.status_code} {_error_code(response)}")
                raise StopUser()
            body = response.json()
            if (
                not isinstance(body.get("id"), int)
                or body.get("balance") != "1000.00"
                or body.get("available_balance") != "1000.00"
            ):
                response.failure(f"unexpected account body: {body}")
                raise StopUser()
            response.success()
            return body["id"]

    def _check(self, response, expected_status, allowed_refusal=None):
        """Success on the expected status; on 422 with the allowed code (an expected outcome); else failure."""
        if response.status_code == expected_status:
            response.success()
        elif (
            allowed_refusal is not None
            and response.status_code == 422
            and _error_code(response) == allowed_refusal
        ):
            response.success()
        else:
            response.failure(f"HTTP {response.status_code} {_error_code(response) or response.text[:200]}")

    def _post_transaction(self, payload, name, allowed_refusal=None):
        headers = {**self.customer_headers, "Idempotency-Key": str(uuid.uuid4())}
        with self.client.post(
            "/transactions", json=payload, headers=headers, name=name, catch_response=True
        ) as response:
            self._check(response, 201, allowed_refusal)

    def _get(self, path, name, problem):
        """A customer read that must answer 200 with a body for which problem(body) is None."""
        with self.client.get(path, headers=self.customer_headers, name=name, catch_response=True) as response:
            self._check(response, 200)
            if response.status_code == 200:
                message = problem(response.json())
                if message:
                    response.failure(message)

    @staticmethod
    def _account_problem(body):
        """None for an account whose balances are consistent: 0 <= available_balance <= balance."""
        try:
            balance, available = Decimal(body["balance"]), Decimal(body["available_balance"])
        except (KeyError, TypeError, ArithmeticError):
            return f"account without balance or available_balance: {body}"
        if not Decimal(0) <= available <= balance:
            return f"available_balance {available} outside [0, balance {balance}]"
        return None

    @task(5)
    def read_account(self):
        self._get(
            f"/accounts/{random.choice(self.account_ids)}",
            "GET /accounts/{id}",
            self._account_problem,
        )

    @task(3)
    def list_transactions(self):
        self._get(
            f"/transactions?account_id={random.choice(self.account_ids)}&limit=20",
            "GET /transactions?account_id=",
            lambda body: None if isinstance(body.get("items"), list) else "page without items",
        )

    @task(3)
    def deposit(self):
        self._post_transaction(
            {
                "type": "deposit",
                "account_id": random.choice(self.account_ids),
                "amount": _money(1, 200),
                "currency": "EUR",
                "description": "load test deposit",
            },
            name="POST /transactions (deposit)",
        )

    @task(2)
    def withdraw(self):
        self._post_transaction(
            {
                "type": "withdrawal",
                "account_id": random.choice(self.account_ids),
                "amount": _money(1, 50),
                "currency": "EUR",
                "description": "load test withdrawal",
            },
            name="POST /transactions (withdrawal)",
            allowed_refusal="insufficient_funds",
        )

    @task(2)
    def transfer(self):
        source, target = random.sample(self.account_ids, 2)
        self._post_transaction(
            {
                "type": "transfer",
                "account_id": source,
                "target_account_id": target,
                "amount": _money(1, 100),
                "currency": "EUR",
                "description": "load test transfer",
            },
            name="POST /transactions (transfer)",
            allowed_refusal="insufficient_funds",
        )

    @task(1)
    def read_statement(self):
        self._get(
            f"/accounts/{random.choice(self.account_ids)}/statement?limit=50",
            "GET /accounts/{id}/statement",
            lambda body: None
            if isinstance(body.get("entries"), list) and "closing_balance" in body
            else "statement without entries or closing_balance",
        )

    @task(2)
    def place_hold(self):
        """The customer reserves funds on one of its accounts; a third of the holds name the other as target."""
        if len(self.pending_holds) >= PENDING_HOLDS_MAX:
            self.settle_hold()
            return
        account = random.choice(self.account_ids)
        target = random.choice([a for a in self.account_ids if a != account]) if random.random() < 1 / 3 else None
        payload = {
            "account_id": account,
            "amount": _money(1, 50),
            "currency": "EUR",
            "description": "load test hold",
            "expires_in_seconds": HOLD_EXPIRES_IN_SECONDS,
        }
        if target is not None:
            payload["target_account_id"] = target
        headers = {**self.customer_headers, "Idempotency-Key": str(uuid.uuid4())}
        with self.client.post(
            "/holds", json=payload, headers=headers, name="POST /holds", catch_response=True
        ) as response:
            self._check(response, 201, allowed_refusal="insufficient_funds")
            if response.status_code != 201:
                return
            body = response.json()
            expected = {"account_id": account, "target_account_id": target, "amount": payload["amount"],
                        "status": "pending", "captured_amount": None}
            wrong = {key: body.get(key) for key, value in expected.items() if body.get(key) != value}
            if wrong or response.headers.get("Location") != f"/holds/{body.get('id')}":
                response.failure(f"unexpected hold: {wrong or response.headers.get('Location')}")
                return
            self.pending_holds.append((body["id"], payload["amount"], target))

    @task(2)
    def settle_hold(self):
        """The admin settles the user's oldest pending hold: two in three are captured partly, the rest voided."""
        if not self.pending_holds:
            self.place_hold()
            return
        hold_id, amount, target = self.pending_holds.pop(0)
        headers = {**self.admin_headers, "Idempotency-Key": str(uuid.uuid4())}
        if random.random() < 2 / 3:
            held_cents = int(Decimal(amount) * 100)
            captured = _cents_to_string(random.randint(1, held_cents - 1))
            with self.client.post(
                f"/holds/{hold_id}/capture",
                json={"amount": captured},
                headers=headers,
                name="POST /holds/{id}/capture (admin, partial)",
                catch_response=True,
            ) as response:
                self._check(response, 201)
                if response.status_code == 201:
                    body = response.json()
                    expected = {"type": "transfer" if target else "withdrawal", "status": "completed",
                                "amount": captured, "hold_id": hold_id, "target_account_id": target}
                    wrong = {key: body.get(key) for key, value in expected.items() if body.get(key) != value}
                    if wrong:
                        response.failure(f"unexpected capture of hold {hold_id}: {wrong}")
        else:
            with self.client.post(
                f"/holds/{hold_id}/void", headers=headers, name="POST /holds/{id}/void (admin)", catch_response=True
            ) as response:
                self._check(response, 200)
                if response.status_code == 200 and response.json().get("status") != "voided":
                    response.failure(f"hold {hold_id} not voided: {response.json().get('status')}")
