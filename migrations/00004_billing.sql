-- +goose Up

-- Billing suspension of a project (and so of its subaccounts): set when the
-- balance runs out and no recharge succeeds, cleared by a payment.
ALTER TABLE balances ADD COLUMN suspended_at timestamptz;

-- Cards: only what the gateway gave back and what people need to tell
-- them apart. Never the number or the CVC.
CREATE TABLE payment_methods (
    id            text PRIMARY KEY,            -- PM + 32 hex
    project_sid   text NOT NULL REFERENCES accounts (sid),
    holder        text NOT NULL,
    brand         text NOT NULL,
    last4         text NOT NULL,
    exp_month     integer NOT NULL,
    exp_year      integer NOT NULL,
    gateway_token text NOT NULL,
    position      integer NOT NULL,            -- 0 is the primary card
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_methods_project ON payment_methods (project_sid, position);

-- Charges of a card, manual (Add Funds) or automatic (auto-recharge).
CREATE TABLE payments (
    id               text PRIMARY KEY,         -- PY + 32 hex, also the gateway's idempotency key
    project_sid      text NOT NULL REFERENCES accounts (sid),
    method_id        text REFERENCES payment_methods (id) ON DELETE SET NULL,
    card_label       text NOT NULL,            -- "Visa •••• 4242", kept when the card is removed
    amount           numeric NOT NULL CHECK (amount > 0),
    currency         text NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('manual', 'auto')),
    status           text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    failure_reason   text NOT NULL DEFAULT '',
    request_key      text NOT NULL,            -- the form's or the recharge's key: one payment per key
    recharge_id      bigint,
    gateway_charge   text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now(),
    completed_at     timestamptz,
    UNIQUE (project_sid, request_key)
);
CREATE INDEX payments_project_time ON payments (project_sid, created_at DESC);
CREATE INDEX payments_pending ON payments (created_at) WHERE status = 'pending';

-- The built-in test gateway's own memory, standing in for an external
-- gateway: what it charged under which idempotency key.
CREATE TABLE test_gateway_charges (
    idempotency_key text PRIMARY KEY,
    charge_id       text NOT NULL,
    token           text NOT NULL,
    amount          numeric NOT NULL,
    currency        text NOT NULL,
    outcome         text NOT NULL,             -- 'succeeded' or a decline code
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- Auto-recharge settings and state, one row per project.
CREATE TABLE auto_recharge (
    project_sid          text PRIMARY KEY REFERENCES accounts (sid),
    enabled              boolean NOT NULL DEFAULT false,
    threshold            numeric NOT NULL DEFAULT 0,
    target               numeric NOT NULL DEFAULT 0,
    monthly_cap          numeric,              -- null: no cap
    consecutive_declines integer NOT NULL DEFAULT 0,
    paused_at            timestamptz,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK (target > threshold)
);

-- A recharge is one attempt to top the balance up; at most one is open per
-- project, so concurrent debits crossing the threshold make exactly one.
CREATE TABLE recharges (
    id           bigserial PRIMARY KEY,
    project_sid  text NOT NULL REFERENCES accounts (sid),
    status       text NOT NULL CHECK (status IN ('open', 'succeeded', 'failed', 'skipped')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz
);
CREATE UNIQUE INDEX recharges_one_open ON recharges (project_sid) WHERE status = 'open';

-- Low-balance alerts: mailed once when the balance falls below, re-armed
-- when it rises above again.
CREATE TABLE balance_alerts (
    project_sid  text NOT NULL REFERENCES accounts (sid),
    threshold    numeric NOT NULL CHECK (threshold > 0),
    fired_at     timestamptz,
    PRIMARY KEY (project_sid, threshold)
);

-- Billing preferences: what receipts carry.
CREATE TABLE billing_preferences (
    project_sid         text PRIMARY KEY REFERENCES accounts (sid),
    company_name        text NOT NULL DEFAULT '',
    address             text NOT NULL DEFAULT '',
    registration_number text NOT NULL DEFAULT '',
    receipt_email       text NOT NULL DEFAULT '',
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Monthly charges (phone numbers once they exist), charged once per period.
CREATE TABLE recurring_items (
    id             text PRIMARY KEY,           -- RI + 32 hex
    project_sid    text NOT NULL REFERENCES accounts (sid),
    account_sid    text NOT NULL REFERENCES accounts (sid),
    description    text NOT NULL,
    amount         numeric NOT NULL CHECK (amount >= 0),
    anniversary    timestamptz NOT NULL,       -- charged on this day of each month
    next_charge_at timestamptz NOT NULL,
    active         boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recurring_items_due ON recurring_items (next_charge_at) WHERE active;

-- +goose Down
DROP TABLE recurring_items, billing_preferences, balance_alerts, recharges, auto_recharge,
    test_gateway_charges, payments, payment_methods;
ALTER TABLE balances DROP COLUMN suspended_at;
