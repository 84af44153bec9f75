-- +goose Up

-- A secondary auth token lets a customer rotate without downtime; test
-- credentials are a second SID + token that reach only the simulated
-- endpoints of the metered services.
ALTER TABLE accounts
    ADD COLUMN auth_token_secondary_enc bytea,
    ADD COLUMN secondary_created_at     timestamptz,
    ADD COLUMN test_sid                 text,
    ADD COLUMN test_token_enc           bytea,
    ADD COLUMN closed_at                timestamptz;
CREATE UNIQUE INDEX accounts_test_sid ON accounts (test_sid);
CREATE INDEX accounts_parent ON accounts (parent_sid, created_at, sid) WHERE parent_sid IS NOT NULL;

-- API keys: the secret is shown once and kept only as a hash.
CREATE TABLE api_keys (
    sid           text PRIMARY KEY,             -- SK + 32 hex
    project_sid   text NOT NULL REFERENCES accounts (sid),
    account_sid   text NOT NULL REFERENCES accounts (sid),
    friendly_name text NOT NULL,
    type          text NOT NULL CHECK (type IN ('standard', 'main')),
    secret_hash   bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_account ON api_keys (project_sid, account_sid, created_at, sid);

-- +goose Down
DROP TABLE api_keys;
DROP INDEX accounts_parent;
DROP INDEX accounts_test_sid;
ALTER TABLE accounts DROP COLUMN auth_token_secondary_enc, DROP COLUMN secondary_created_at,
    DROP COLUMN test_sid, DROP COLUMN test_token_enc, DROP COLUMN closed_at;
