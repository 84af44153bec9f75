-- +goose Up

-- What User Settings › Sessions shows of each session. The id is a random
-- name for the session, kept in its data and mirrored here, that forms use
-- to end it: unlike the token's hash it is no key to the row's lookup by
-- cookie, so showing it gives nothing to ride. It survives a token
-- renewal (privilege change), so "this session" stays the same session.
ALTER TABLE sessions
    ADD COLUMN id           text,
    ADD COLUMN user_agent   text NOT NULL DEFAULT '',
    ADD COLUMN ip           text NOT NULL DEFAULT '',
    ADD COLUMN signed_in_at timestamptz,
    ADD COLUMN last_seen_at timestamptz;

-- A session ended from another browser, remembered until it would have
-- expired: a request of that browser still in flight when its row was
-- deleted must not write it back.
CREATE TABLE sessions_ended (
    id      text PRIMARY KEY,
    expiry  timestamptz NOT NULL
);
CREATE INDEX sessions_ended_expiry_idx ON sessions_ended (expiry);

-- Trusted browsers get the same kind of name, and the browser they were.
ALTER TABLE trusted_browsers
    ADD COLUMN id         text NOT NULL DEFAULT md5(random()::text || clock_timestamp()::text),
    ADD COLUMN user_agent text NOT NULL DEFAULT '';
CREATE UNIQUE INDEX trusted_browsers_id ON trusted_browsers (id);

-- +goose Down
DROP INDEX trusted_browsers_id;
ALTER TABLE trusted_browsers DROP COLUMN id, DROP COLUMN user_agent;
DROP TABLE sessions_ended;
ALTER TABLE sessions DROP COLUMN id, DROP COLUMN user_agent, DROP COLUMN ip,
    DROP COLUMN signed_in_at, DROP COLUMN last_seen_at;
