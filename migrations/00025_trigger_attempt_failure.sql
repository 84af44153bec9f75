-- +goose Up
-- Why a webhook attempt failed, decided when it was made from the error's
-- type (see webhook.FailureKind): '' when delivered. Attempts made before
-- are classified once here from the text they kept.
ALTER TABLE usage_trigger_attempts ADD COLUMN failure text NOT NULL DEFAULT '';
UPDATE usage_trigger_attempts SET failure = CASE
        WHEN status_code IS NOT NULL THEN 'status'
        WHEN error ILIKE '%not allowed%' THEN 'forbidden'
        WHEN error ILIKE '%timeout%' OR error ILIKE '%deadline exceeded%' THEN 'timeout'
        WHEN error ILIKE '%connection refused%' THEN 'refused'
        WHEN error ILIKE '%no such host%' THEN 'dns'
        ELSE 'failed' END
    WHERE error <> '';

-- +goose Down
ALTER TABLE usage_trigger_attempts DROP COLUMN failure;
