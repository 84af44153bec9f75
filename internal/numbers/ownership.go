package numbers

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"console/internal/database"
	"console/internal/usage"
)

// ErrNotOwned is returned when an account sends from a number that is
// not its own.
var ErrNotOwned = errors.New("numbers: not a number of the account")

// SMSCapable reports whether numbers of a country and type send SMS:
// Japanese 050 and fixed numbers and toll-free numbers carry voice only,
// mobiles and US local numbers SMS too. The API shows it as the
// number's capabilities, and a message From a number without it is
// refused as Twilio refuses it (21606).
func SMSCapable(country, numberType string) bool {
	return country == "US" && numberType == Local || numberType == Mobile
}

// smsCondition is SMSCapable as an SQL condition on a number's country and
// number_type columns, listing the pairs of the inventory it holds for.
func smsCondition() string {
	var pairs []string
	for _, country := range slices.Sorted(maps.Keys(prefixes)) {
		for _, t := range slices.Sorted(maps.Keys(prefixes[country])) {
			if SMSCapable(country, t) {
				pairs = append(pairs, "('"+country+"', '"+t+"')")
			}
		}
	}
	return "(country, number_type) IN (" + strings.Join(pairs, ", ") + ")"
}

// OwnedCondition is an SQL condition on three expressions of a
// statement, a project, an account and a phone number: true when the
// account itself owns the number now and, with sms, the number sends SMS.
// A number of a sibling subaccount, of the parent or of another project is
// not the account's: messages and calls go out From the account's own
// numbers. It lets a statement that writes many messages check all their
// numbers at once.
func OwnedCondition(project, account, phone string, sms bool) string {
	cond := `EXISTS (SELECT 1 FROM incoming_phone_numbers WHERE project_sid = ` + project + ` AND account_sid = ` + account +
		` AND phone_number = ` + phone + ` AND released_at IS NULL`
	if sms {
		cond += ` AND ` + smsCondition()
	}
	return cond + `)`
}

var ownedSQL = `SELECT ` + OwnedCondition("$1", "$2", "$3", false)

// Outgoing is what a call From phone needs before it is charged (a
// message's insert checks its number itself, see OwnedCondition): that
// the account itself owns phone (else ErrNotOwned), and
// what one unit of category costs to country in currency from prices
// (else usage.ErrNoPrice). It runs outside the debit's transaction, so
// that the project's balance row is held no longer for it; a number
// released at the same instant may still place this one call.
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
