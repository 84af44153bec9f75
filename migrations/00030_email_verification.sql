-- +goose Up
-- A person proves their address before using the console or the API
-- (issue 15). Users made before this migration had no way to prove it and
-- were given the trial credit at sign-up: they count as verified and as
-- granted, so nothing is granted twice.
ALTER TABLE users
    ADD COLUMN verified_at      timestamptz,
    ADD COLUMN trial_granted_at timestamptz;
UPDATE users SET verified_at = created_at, trial_granted_at = created_at;

-- A project made by a sign-up answers 401 to its API credentials until its
-- owner has verified their address.
ALTER TABLE accounts ADD COLUMN pending_verification boolean NOT NULL DEFAULT false;

-- Verification links: only the token's hash is kept, for the address it
-- was mailed to; a link works once, until expires_at, and only while that
-- address is still the user's. The rows of the last hour also count the
-- resends (auth.Store.NewVerification).
CREATE TABLE email_verifications (
    id          bigserial PRIMARY KEY,
    user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email       text NOT NULL,
    token_hash  bytea NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX email_verifications_user ON email_verifications (user_id, created_at);

-- +goose Down
DROP TABLE email_verifications;
ALTER TABLE accounts DROP COLUMN pending_verification;
ALTER TABLE users DROP COLUMN verified_at, DROP COLUMN trial_granted_at;
