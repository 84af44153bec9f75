-- +goose Up
-- Deleting a user rewrites the entries about them (audit.Pseudonymize):
-- found by target, for user ids only, so the index stays small.
CREATE INDEX audit_log_user_target ON audit_log (target) WHERE target LIKE 'US%';

-- +goose Down
DROP INDEX audit_log_user_target;
