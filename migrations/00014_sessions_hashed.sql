-- +goose Up
-- Sessions are kept under the SHA-256 of their token, never the token (the
-- cookie's value), so reading this table gives no session to ride. Each
-- row names its signed-in user (NULL before sign-in) so that one user's
-- sessions can be found and ended. The sessions stored with their tokens
-- in clear cannot be re-keyed (only the browsers hold the tokens' use) and
-- are dropped: everyone signs in again once after this migration.
DROP TABLE sessions;
CREATE TABLE sessions (
    token_hash  bytea PRIMARY KEY,
    user_id     text REFERENCES users (id) ON DELETE CASCADE,
    data        bytea NOT NULL,
    expiry      timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE user_id IS NOT NULL;

-- +goose Down
DROP TABLE sessions;
CREATE TABLE sessions (
    token   text PRIMARY KEY,
    data    bytea NOT NULL,
    expiry  timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);
