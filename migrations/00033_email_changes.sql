-- +goose Up
-- An email change waits here until the new address proves it is the
-- user's by following the mailed link; until then users.email stays. The
-- old address is mailed a link that cancels the change. Both links are
-- kept only as SHA-256 hashes. At most one change per user is open.
CREATE TABLE email_changes (
    id            bigserial PRIMARY KEY,
    user_id       text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    old_email     text NOT NULL,
    new_email     text NOT NULL,
    confirm_hash  bytea NOT NULL UNIQUE,
    cancel_hash   bytea NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    confirmed_at  timestamptz,
    cancelled_at  timestamptz
);
CREATE UNIQUE INDEX email_changes_open_idx ON email_changes (user_id) WHERE confirmed_at IS NULL AND cancelled_at IS NULL;

-- +goose Down
DROP TABLE email_changes;
