-- +goose Up
-- Password reset links: the token is mailed, only its SHA-256 is kept, so
-- reading this table (a backup, a replica) gives no link that works. A
-- link works once (used_at) and until expires_at.
CREATE TABLE password_resets (
    id          bigserial PRIMARY KEY,
    user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  bytea NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id);
CREATE INDEX password_resets_expiry_idx ON password_resets (expires_at);

-- Reset requests of the last hour, counted per address (known or not, so
-- the throttle tells nothing) and per IP before a request is answered.
CREATE TABLE password_reset_requests (
    id         bigserial PRIMARY KEY,
    email_key  text NOT NULL,
    ip         text NOT NULL,
    at         timestamptz NOT NULL
);
CREATE INDEX password_reset_requests_email_idx ON password_reset_requests (email_key, at);
CREATE INDEX password_reset_requests_ip_idx ON password_reset_requests (ip, at);

-- +goose Down
DROP TABLE password_reset_requests;
DROP TABLE password_resets;
