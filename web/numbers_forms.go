package web

import (
	"console/internal/billing"
	"console/internal/numbers"
)

// OwnedNumber is a number of the acting account with the recurring item
// that charges it monthly.
type OwnedNumber struct {
	Number *numbers.Number
	// Item is nil only if the item went missing; the page then shows no price.
	Item *billing.RecurringItem
}

// NumbersData is Phone Numbers › Active numbers.
type NumbersData struct {
	Numbers  []OwnedNumber
	Currency string
	// Next is the SID to continue the list after, empty on the last page.
	Next string
}

// NumberSearchForm searches the inventory.
type NumberSearchForm struct {
	Country, Type, Contains string
	Errors                  FieldErrors
}

// Refusal is why a purchase was refused: a catalog key with its
// arguments (a balance, a number).
type Refusal struct {
	Key  string
	Args []any
}

// NumberSearchData is Phone Numbers › Buy a number: the search form, its
// results and, after a refused purchase, why it was refused.
type NumberSearchData struct {
	Form NumberSearchForm
	// Searched is set once a valid search ran, so that an empty result
	// says so instead of showing nothing.
	Searched bool
	Results  []string
	// Monthly is the price of every result (one type in one country).
	Monthly billing.Money
	// NotSold is set when the price list has no price for the type in the
	// project's currency.
	NotSold bool
	// Buy is the number whose purchase was refused and why.
	Buy      BuyForm
	Currency string
}

// BuyForm buys one number from the results.
type BuyForm struct {
	PhoneNumber  string
	FriendlyName string
	Errors       FieldErrors
	// Refused says why the purchase was refused, when it was.
	Refused *Refusal
}

// NumberForm renames a number.
type NumberForm struct {
	FriendlyName string
	Errors       FieldErrors
}

// NumberData is one number's page.
type NumberData struct {
	Number   *numbers.Number
	Item     *billing.RecurringItem
	Currency string
	Rename   NumberForm
	Release  FieldErrors
}
