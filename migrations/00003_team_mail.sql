-- +goose Up

-- Outbound mail, written in the transaction of the action that causes it
-- and delivered by a River job.
CREATE TABLE mail_outbox (
    id           bigserial PRIMARY KEY,
    project_sid  text,
    kind         text NOT NULL,
    to_addr      text NOT NULL,
    locale       text NOT NULL,
    subject      text NOT NULL,
    body         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz,
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_created ON mail_outbox (created_at DESC);

-- Invitations to join a project; the link's token is stored hashed.
CREATE TABLE invitations (
    id           text PRIMARY KEY,             -- IV + 32 hex
    project_sid  text NOT NULL REFERENCES accounts (sid),
    email        text NOT NULL,
    role         text NOT NULL CHECK (role IN ('admin', 'developer', 'billing', 'support')),
    token_hash   bytea NOT NULL UNIQUE,
    invited_by   text NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    accepted_at  timestamptz,
    accepted_by  text REFERENCES users (id),
    revoked_at   timestamptz
);
CREATE UNIQUE INDEX invitations_open ON invitations (project_sid, lower(email)) WHERE accepted_at IS NULL AND revoked_at IS NULL;

-- Require Two-Factor Authentication, per project.
ALTER TABLE accounts ADD COLUMN require_2fa boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE accounts DROP COLUMN require_2fa;
DROP TABLE invitations;
DROP TABLE mail_outbox;
