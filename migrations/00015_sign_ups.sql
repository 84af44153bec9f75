-- +goose Up
-- Sign-ups of the last hour, counted per IP and per email domain before a
-- sign-up is made (auth.ReserveSignUp). The cleanup job forgets older rows.
CREATE TABLE sign_ups (
    id            bigserial PRIMARY KEY,
    ip            text NOT NULL,
    email_domain  text NOT NULL,
    at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_ups_ip ON sign_ups (ip, at);
CREATE INDEX sign_ups_domain ON sign_ups (email_domain, at);

-- +goose Down
DROP TABLE sign_ups;
