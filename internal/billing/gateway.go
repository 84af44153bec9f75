package billing

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"console/internal/sid"
)

// Card is what the customer types; it goes to the gateway and nowhere else.
type Card struct {
	Holder   string
	Number   string
	ExpMonth int
	ExpYear  int
	CVC      string
}

// Tokenized is what we keep of a card.
type Tokenized struct {
	Token string
	Brand string
	Last4 string
}

// Charge is one request to take money from a card.
type Charge struct {
	Token    string
	Amount   decimal.Decimal
	Currency string
	// IdempotencyKey makes a repeated request return the first answer
	// instead of charging again.
	IdempotencyKey string
}

// ChargeResult is the gateway's answer.
type ChargeResult struct {
	ID        string
	Succeeded bool
	// DeclineCode says why a charge was declined: card_declined,
	// insufficient_funds, expired_card.
	DeclineCode string
}

// Gateway takes card payments.
type Gateway interface {
	Tokenize(ctx context.Context, c Card) (Tokenized, error)
	Charge(ctx context.Context, c Charge) (ChargeResult, error)
}

// Decline codes of the test gateway, as real gateways name them.
const (
	DeclineGeneric      = "card_declined"
	DeclineInsufficient = "insufficient_funds"
	DeclineExpired      = "expired_card"
)

// testCards are the test gateway's documented card numbers; any other
// valid number succeeds.
var testCards = map[string]string{
	"4242424242424242": "succeeded",
	"4000000000000002": DeclineGeneric,
	"4000000000009995": DeclineInsufficient,
	"4000000000000069": DeclineExpired,
}

// TestGateway is the built-in gateway for development and tests. It
// behaves like a real one: cards become opaque tokens, charges are
// remembered by idempotency key (in its own table, as an external gateway
// would remember them across our restarts), and the documented test cards
// decline with their reasons.
type TestGateway struct {
	Pool *pgxpool.Pool
}

// Tokenize validates nothing beyond what the form did; the behaviour of a
// test card is carried in its token.
func (g *TestGateway) Tokenize(_ context.Context, c Card) (Tokenized, error) {
	number := digits(c.Number)
	outcome, ok := testCards[number]
	if !ok {
		outcome = "succeeded"
	}
	return Tokenized{Token: "tok_" + outcome + "_" + sid.Hex32(), Brand: Brand(number), Last4: number[len(number)-4:]}, nil
}

// Charge answers once per idempotency key; a repeat returns the first answer.
func (g *TestGateway) Charge(ctx context.Context, c Charge) (ChargeResult, error) {
	if c.IdempotencyKey == "" {
		return ChargeResult{}, errors.New("testgateway: idempotency key required")
	}
	if c.Amount.Sign() <= 0 || !WholeUnits(c.Amount, c.Currency) {
		// As a real gateway, which takes integer minor units: ¥4,817.92
		// or $1.005 cannot be charged.
		return ChargeResult{}, fmt.Errorf("testgateway: %s %s is not a whole number of the currency's smallest unit", c.Amount, c.Currency)
	}
	outcome := "succeeded"
	if rest, ok := strings.CutPrefix(c.Token, "tok_"); ok {
		outcome = rest[:strings.LastIndex(rest, "_")]
	}
	res := ChargeResult{}
	err := pgx.BeginFunc(ctx, g.Pool, func(tx pgx.Tx) error {
		var got string
		err := tx.QueryRow(ctx, `
			INSERT INTO test_gateway_charges (idempotency_key, charge_id, token, amount, currency, outcome)
			VALUES ($1, $2, $3, $4::numeric, $5, $6)
			ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = EXCLUDED.idempotency_key
			RETURNING charge_id, outcome`,
			c.IdempotencyKey, "ch_"+sid.Hex32(), c.Token, c.Amount.String(), c.Currency, outcome).Scan(&res.ID, &got)
		if got == "succeeded" {
			res.Succeeded = true
		} else {
			res.DeclineCode = got
		}
		return err
	})
	return res, err
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Brand names a card's network from its number.
func Brand(number string) string {
	switch {
	case strings.HasPrefix(number, "4"):
		return "Visa"
	case len(number) >= 2 && number[:2] >= "51" && number[:2] <= "55", len(number) >= 4 && number[:4] >= "2221" && number[:4] <= "2720":
		return "Mastercard"
	case strings.HasPrefix(number, "34"), strings.HasPrefix(number, "37"):
		return "American Express"
	case strings.HasPrefix(number, "35"):
		return "JCB"
	case strings.HasPrefix(number, "6011"), strings.HasPrefix(number, "65"):
		return "Discover"
	case strings.HasPrefix(number, "36"), strings.HasPrefix(number, "30"):
		return "Diners Club"
	}
	return "Card"
}

// Luhn reports whether number passes the Luhn check.
func Luhn(number string) bool {
	if len(number) < 12 || len(number) > 19 {
		return false
	}
	sum, double := 0, false
	for i := len(number) - 1; i >= 0; i-- {
		d := int(number[i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}
