-- +goose Up

-- Usage triggers: "tell me when this period's usage of a category reaches
-- a value", by webhook (Twilio's UsageTrigger) and/or by email.
CREATE TABLE usage_triggers (
    sid             text PRIMARY KEY,                 -- UT + 32 hex
    project_sid     text NOT NULL REFERENCES accounts (sid),
    account_sid     text NOT NULL REFERENCES accounts (sid),
    friendly_name   text NOT NULL DEFAULT '',
    usage_category  text NOT NULL,                    -- concrete, roll-up (sms, calls, phonenumbers) or totalprice
    trigger_by      text NOT NULL CHECK (trigger_by IN ('count', 'usage', 'price')),
    trigger_value   numeric NOT NULL CHECK (trigger_value > 0),
    recurring       text NOT NULL CHECK (recurring IN ('daily', 'monthly', 'yearly', 'alltime')),
    callback_url    text NOT NULL DEFAULT '',         -- '' when the trigger only mails
    callback_method text NOT NULL DEFAULT 'POST' CHECK (callback_method IN ('GET', 'POST')),
    -- Mail the project's Owners, Administrators and Billing Managers.
    email_team      boolean NOT NULL DEFAULT false,
    -- And/or these addresses, in email_locale unless one is a member's.
    email_to        text[] NOT NULL DEFAULT '{}',
    email_locale    text NOT NULL DEFAULT 'en' CHECK (email_locale IN ('en', 'ja')),
    -- Bumped when what the trigger watches or its value changes: a changed
    -- trigger is armed again within the period, as a new one would be.
    revision        integer NOT NULL DEFAULT 1,
    -- The start (local date) of the period the current revision last fired
    -- in; 0001-01-01 for alltime. Lets evaluation skip fired triggers
    -- without reading usage.
    fired_period    date,
    date_fired      timestamptz,
    date_created    timestamptz NOT NULL DEFAULT now(),
    date_updated    timestamptz NOT NULL DEFAULT now(),
    CHECK (callback_url <> '' OR email_team OR cardinality(email_to) > 0)
);
CREATE INDEX usage_triggers_account ON usage_triggers (project_sid, account_sid, usage_category);
CREATE INDEX usage_triggers_list ON usage_triggers (project_sid, account_sid, date_created, sid);

-- A firing: at most one per trigger revision and period, whoever
-- evaluates. Its delivery jobs are inserted in the same transaction.
CREATE TABLE usage_trigger_firings (
    id                bigserial PRIMARY KEY,
    project_sid       text NOT NULL REFERENCES accounts (sid),
    account_sid       text NOT NULL REFERENCES accounts (sid),
    trigger_sid       text NOT NULL REFERENCES usage_triggers (sid) ON DELETE CASCADE,
    revision          integer NOT NULL,
    period_start      date NOT NULL,
    fired_at          timestamptz NOT NULL,
    -- What the trigger was when it fired: every delivery attempt sends the same.
    usage_category    text NOT NULL,
    trigger_by        text NOT NULL,
    recurring         text NOT NULL,
    trigger_value     numeric NOT NULL,
    current_value     numeric NOT NULL,
    idempotency_token text NOT NULL,
    UNIQUE (project_sid, trigger_sid, revision, period_start)
);
CREATE INDEX usage_trigger_firings_trigger ON usage_trigger_firings (project_sid, trigger_sid, fired_at DESC);

-- Every webhook delivery attempt, for the trigger's history.
CREATE TABLE usage_trigger_attempts (
    id           bigserial PRIMARY KEY,
    project_sid  text NOT NULL REFERENCES accounts (sid),
    firing_id    bigint NOT NULL REFERENCES usage_trigger_firings (id) ON DELETE CASCADE,
    attempt      integer NOT NULL,
    at           timestamptz NOT NULL DEFAULT now(),
    method       text NOT NULL,
    url          text NOT NULL,
    status_code  integer,                              -- null when no response came
    error        text NOT NULL DEFAULT '',
    duration_ms  integer NOT NULL
);
CREATE INDEX usage_trigger_attempts_firing ON usage_trigger_attempts (project_sid, firing_id, id);

-- The mails a firing sent, through the outbox (which keeps their status).
CREATE TABLE usage_trigger_emails (
    project_sid  text NOT NULL REFERENCES accounts (sid),
    firing_id    bigint NOT NULL REFERENCES usage_trigger_firings (id) ON DELETE CASCADE,
    outbox_id    bigint NOT NULL REFERENCES mail_outbox (id),
    to_addr      text NOT NULL,
    PRIMARY KEY (project_sid, firing_id, outbox_id)
);

-- +goose Down
DROP TABLE usage_trigger_emails, usage_trigger_attempts, usage_trigger_firings, usage_triggers;
