-- +goose Up
-- A mail's body is sealed with the secret key (AES-GCM, bound to the row's
-- id), so a link in it (an invitation, later a password reset) is not
-- usable by whoever reads the table; delivered bodies are purged after a
-- retention period by the cleanup job (purged_at). legacy_body holds the
-- plaintext of mails written before this migration until the cleanup job,
-- which runs at every start, seals it and empties it.
ALTER TABLE mail_outbox RENAME COLUMN body TO legacy_body;
ALTER TABLE mail_outbox ALTER COLUMN legacy_body SET DEFAULT '';
ALTER TABLE mail_outbox ADD COLUMN body_sealed bytea;
ALTER TABLE mail_outbox ADD COLUMN purged_at timestamptz;
CREATE INDEX mail_outbox_to_purge ON mail_outbox (sent_at) WHERE purged_at IS NULL;

-- +goose Down
DROP INDEX mail_outbox_to_purge;
ALTER TABLE mail_outbox DROP COLUMN purged_at;
ALTER TABLE mail_outbox DROP COLUMN body_sealed;
ALTER TABLE mail_outbox ALTER COLUMN legacy_body DROP DEFAULT;
ALTER TABLE mail_outbox RENAME COLUMN legacy_body TO body;
