-- +goose Up

-- Idempotency-Key requests of the API (our extension to Twilio's): the
-- first answer to a key, replayed to its retries for a day. The key and
-- the request are stored hashed; the answer's body sealed with the
-- server's key (a new API key's secret, a subaccount's auth token).
CREATE TABLE idempotency_keys (
    account_sid  text NOT NULL,          -- the credentials' account (or test SID): keys are scoped to it
    key_hash     bytea NOT NULL,         -- sha256 of the key
    request_hash bytea NOT NULL,         -- sha256 of the method, path and parameters
    status       integer,                -- NULL while the first request runs
    content_type text NOT NULL DEFAULT '',
    body         bytea,                  -- sealed (seal.Box), bound to the account and key hash
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_sid, key_hash)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
