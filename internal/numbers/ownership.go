package numbers

import (
	"context"
	"errors"

	"github.com/shopspring/decimal"

	"console/internal/database"
	"console/internal/usage"
)

// ErrNotOwned is returned when an account sends from a number that is
// not its own.
var ErrNotOwned = errors.New("numbers: not a number of the account")

// OwnedCondition is an SQL condition on three expressions of a
// statement, a project, an account and a phone number: true when the
// account itself owns the number now. A number of a sibling subaccount, of
// the parent or of another project is not the account's: messages and
// calls go out From the account's own numbers. It lets a statement that
// writes many messages check all their numbers at once.
func OwnedCondition(project, account, phone string) string {
	return `EXISTS (SELECT 1 FROM incoming_phone_numbers WHERE project_sid = ` + project + ` AND account_sid = ` + account +
		` AND phone_number = ` + phone + ` AND released_at IS NULL)`
}

var ownedSQL = `SELECT ` + OwnedCondition("$1", "$2", "$3")

// Outgoing is what a message or call From phone needs before it is
// charged: that the account itself owns phone (else ErrNotOwned), and
// what one unit of category costs to country in currency from prices
// (else usage.ErrNoPrice). It runs outside the debit's transaction, so
// that the project's balance row is held no longer for it; a number
// released at the same instant may still send this one message or call.
func Outgoing(ctx context.Context, db database.DBTX, prices *usage.PriceList, projectSID, accountSID, phone, category, country, currency string) (decimal.Decimal, error) {
	var owned bool
	if err := db.QueryRow(ctx, ownedSQL, projectSID, accountSID, phone).Scan(&owned); err != nil {
		return decimal.Zero, err
	}
	if !owned {
		return decimal.Zero, ErrNotOwned
	}
	price, _, err := prices.Price(ctx, category, country, currency)
	return price, err
}
