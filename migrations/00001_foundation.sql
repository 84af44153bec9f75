-- +goose Up

-- Users sign in to the console; an email is unique regardless of case.
CREATE TABLE users (
    id                 text PRIMARY KEY,               -- US + 32 hex
    email              text NOT NULL,
    friendly_name      text NOT NULL,
    password_hash      text NOT NULL,
    locale             text NOT NULL DEFAULT '' CHECK (locale IN ('', 'en', 'ja')),
    -- Bumped when the password changes so that every other session of the user ends.
    session_epoch      integer NOT NULL DEFAULT 0,
    totp_secret_enc    bytea,                          -- set while enrolling or enrolled
    totp_enabled       boolean NOT NULL DEFAULT false,
    -- The last accepted TOTP time step: a code is accepted only for a later step.
    totp_last_step     bigint NOT NULL DEFAULT 0,
    last_sign_in_at    timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE recovery_codes (
    user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  bytea NOT NULL,
    used_at    timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- "Trust this browser for 30 days": the cookie holds a random token, the row its hash.
CREATE TABLE trusted_browsers (
    token_hash  bytea PRIMARY KEY,
    user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX trusted_browsers_user ON trusted_browsers (user_id);

-- Failed sign-ins, counted per account (email) and per IP over a sliding hour.
CREATE TABLE sign_in_failures (
    id         bigserial PRIMARY KEY,
    email_key  text NOT NULL,
    ip         text NOT NULL,
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_email ON sign_in_failures (email_key, at);
CREATE INDEX sign_in_failures_ip ON sign_in_failures (ip, at);

-- Accounts: a master account is a project; subaccounts point at their parent.
-- project_sid is the master account's SID on every tenant table (the distribution key).
CREATE TABLE accounts (
    sid                 text PRIMARY KEY,              -- AC + 32 hex
    project_sid         text NOT NULL,
    parent_sid          text REFERENCES accounts (sid),
    friendly_name       text NOT NULL,
    status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
    type                text NOT NULL DEFAULT 'Full' CHECK (type IN ('Trial', 'Full')),
    auth_token_enc      bytea NOT NULL,
    time_zone           text NOT NULL DEFAULT 'UTC',
    currency            text NOT NULL DEFAULT 'USD' CHECK (currency IN ('JPY', 'USD')),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK ((parent_sid IS NULL) = (project_sid = sid))
);
CREATE INDEX accounts_project ON accounts (project_sid);

CREATE TABLE memberships (
    project_sid  text NOT NULL REFERENCES accounts (sid),
    user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role         text NOT NULL CHECK (role IN ('owner', 'admin', 'developer', 'billing', 'support')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_sid, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);
-- Exactly one Owner per project.
CREATE UNIQUE INDEX memberships_one_owner ON memberships (project_sid) WHERE role = 'owner';

-- Services a user pinned in the sidebar; they appear as shortcuts on the dashboard.
CREATE TABLE user_pins (
    user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    service     text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, service)
);

-- The balance of a project, cached; always equal to the sum of its ledger entries.
CREATE TABLE balances (
    project_sid  text PRIMARY KEY REFERENCES accounts (sid),
    currency     text NOT NULL CHECK (currency IN ('JPY', 'USD')),
    amount       numeric NOT NULL DEFAULT 0,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- The append-only ledger: each entry has a unique source so nothing is counted twice.
CREATE TABLE ledger_entries (
    id           bigserial PRIMARY KEY,
    project_sid  text NOT NULL REFERENCES accounts (sid),
    account_sid  text NOT NULL REFERENCES accounts (sid),
    kind         text NOT NULL CHECK (kind IN ('credit', 'payment', 'usage', 'fee', 'adjustment')),
    source       text NOT NULL,
    amount       numeric NOT NULL,
    note         text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_sid, source)
);
CREATE INDEX ledger_entries_project_time ON ledger_entries (project_sid, created_at);

CREATE TABLE audit_log (
    id            bigserial PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    project_sid   text,                     -- null for events outside a project (a failed sign-in)
    account_sid   text,
    actor_user_id text,
    actor         text NOT NULL,            -- 'user', 'api', 'system', 'anonymous'
    action        text NOT NULL,
    target        text NOT NULL DEFAULT '',
    ip            text NOT NULL DEFAULT '',
    details       jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_project ON audit_log (project_sid, at);
CREATE INDEX audit_log_actor ON audit_log (actor_user_id, at);

-- scs pgxstore's table.
CREATE TABLE sessions (
    token   text PRIMARY KEY,
    data    bytea NOT NULL,
    expiry  timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- +goose Down
DROP TABLE sessions, audit_log, ledger_entries, balances, user_pins, memberships, accounts,
    sign_in_failures, trusted_browsers, recovery_codes, users;
