package console

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/billing"
	"console/internal/numbers"
	"console/web"
)

// numbersPageSize is how many numbers the list shows at once.
const numbersPageSize = 100

// searchResults is how many available numbers a search shows.
const searchResults = 20

// maxContains bounds the digits a search may ask for; no number is longer.
const maxContains = 12

// numbersPage lists the acting account's numbers, oldest first.
func (c *Console) numbersPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := actingAccount(r)
	after, err := pageAfter(r)
	if err != nil {
		return err
	}
	ns, err := c.numbers.List(ctx, a.ProjectSID, a.SID, after, 0, numbersPageSize+1)
	if err != nil {
		return err
	}
	d := web.NumbersData{Currency: web.CurrentProject(ctx).Currency}
	if len(ns) > numbersPageSize {
		ns = ns[:numbersPageSize]
		d.Next = ns[len(ns)-1].SID
	}
	items, err := c.numbers.RecurringItems(ctx, a.ProjectSID, ns...)
	if err != nil {
		return err
	}
	for _, n := range ns {
		d.Numbers = append(d.Numbers, web.OwnedNumber{Number: n, Item: items[n.RecurringItem]})
	}
	return render(w, r, http.StatusOK, web.Numbers(d))
}

// searchForm reads and checks a search. Digits may be typed with the
// separators people write numbers with.
func searchForm(v func(string) string) web.NumberSearchForm {
	f := web.NumberSearchForm{Country: strings.ToUpper(strings.TrimSpace(v("country"))), Type: strings.TrimSpace(v("type")),
		Contains: strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' || r == '(' || r == ')' {
				return -1
			}
			return r
		}, strings.TrimPrefix(strings.TrimSpace(v("contains")), "+"))}
	if !numbers.ValidCountry(f.Country) {
		f.Errors.Add("country", "numbers.country_invalid")
	}
	if !numbers.ValidType(f.Type) {
		f.Errors.Add("type", "numbers.type_invalid")
	}
	if len(f.Contains) > maxContains || strings.Trim(f.Contains, "0123456789") != "" {
		f.Errors.Add("contains", "numbers.contains_invalid")
	}
	return f
}

// search fills d with up to searchResults unowned numbers matching its
// form, each at the type's monthly price in the project's currency.
func (c *Console) search(ctx context.Context, d *web.NumberSearchData) error {
	d.Searched = true
	d.Currency = web.CurrentProject(ctx).Currency
	if len(numbers.Candidates(d.Form.Country, d.Form.Type, d.Form.Contains, 0, 1)) == 0 {
		return nil // the inventory has no such numbers
	}
	price, err := c.numbers.MonthlyPrice(ctx, d.Form.Country, d.Form.Type, d.Currency)
	if errors.Is(err, numbers.ErrNoPrice) {
		d.NotSold = true
		return nil
	}
	if err != nil {
		return err
	}
	d.Monthly = billing.Money{Amount: price, Currency: d.Currency}
	d.Results, err = c.numbers.Available(ctx, d.Form.Country, d.Form.Type, d.Form.Contains, searchResults)
	return err
}

// searchPage shows the search form, and results once a search is asked
// for; with no query at all it offers numbers of the project's country.
func (c *Console) searchPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if len(q) == 0 {
		d := web.NumberSearchData{Form: web.NumberSearchForm{Country: "JP", Type: numbers.Local}}
		if web.CurrentProject(r.Context()).Currency == "USD" {
			d.Form.Country = "US"
		}
		return render(w, r, http.StatusOK, web.NumberSearch(d))
	}
	d := web.NumberSearchData{Form: searchForm(q.Get)}
	status := http.StatusOK
	if d.Form.Errors.Any() {
		status = http.StatusUnprocessableEntity
	} else if err := c.search(r.Context(), &d); err != nil {
		return err
	}
	return renderPart(w, r, status, web.NumberSearch(d), web.NumberSearchResults(d))
}

// buyNumber buys a number for the acting account through the numbers
// service: the first month is charged now and a recurring item charges
// the next ones. A refused purchase charges nothing and shows the search
// again with the reason.
func (c *Console) buyNumber(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a := actingAccount(r)
	d := web.NumberSearchData{Form: searchForm(r.PostFormValue), Buy: web.BuyForm{
		PhoneNumber: strings.TrimSpace(r.PostFormValue("phone_number")), FriendlyName: strings.TrimSpace(r.PostFormValue("friendly_name"))}}
	refuse := func(key string, args ...any) error {
		d.Buy.Refused = &web.Refusal{Key: key, Args: args}
		d.Buy.Errors.Add("form", key)
		if !d.Form.Errors.Any() {
			if err := c.search(ctx, &d); err != nil {
				return err
			}
		}
		return render(w, r, http.StatusUnprocessableEntity, web.NumberSearch(d))
	}
	req := numbers.BuyRequest{PhoneNumber: d.Buy.PhoneNumber, FriendlyName: d.Buy.FriendlyName}
	if err := req.Validate(); err != nil {
		key := buyProblems(err, &d.Buy.Errors)
		return refuse(key)
	}
	n, err := c.numbers.Buy(ctx, audit.ActorFrom(ctx), a, req)
	phone := numbers.Format(d.Buy.PhoneNumber)
	switch {
	case errors.Is(err, numbers.ErrNotInInventory):
		return refuse("numbers.unavailable", d.Buy.PhoneNumber)
	case errors.Is(err, numbers.ErrNotAvailable):
		// A second submit of the same purchase lands here: the number is
		// unique, so it was neither bought nor charged twice.
		mine, gerr := c.numbers.GetByPhone(ctx, a.ProjectSID, a.SID, d.Buy.PhoneNumber)
		if gerr == nil {
			c.flash(ctx, "ok", "numbers.already_yours", phone)
			return redirect(w, r, "/phone-numbers/"+mine.SID)
		}
		if !errors.Is(gerr, numbers.ErrNotFound) {
			return gerr
		}
		return refuse("numbers.taken", phone)
	case errors.Is(err, numbers.ErrNoPrice):
		return refuse("numbers.not_sold")
	case errors.Is(err, numbers.ErrSuspended):
		return refuse("numbers.suspended")
	case errors.Is(err, account.ErrNotActive):
		return errInactive
	case errors.Is(err, numbers.ErrInsufficientFunds):
		bal, berr := c.billing.Balance(ctx, a.ProjectSID)
		if berr != nil {
			return berr
		}
		return refuse("numbers.insufficient_funds", bal.Format())
	case err != nil:
		return err
	}
	c.flash(ctx, "ok", "numbers.bought_flash", phone)
	return redirect(w, r, "/phone-numbers/"+n.SID)
}

// number finds {sid} among the acting account's numbers; any other SID,
// a sibling's or another project's, is a 404.
func (c *Console) number(r *http.Request) (*numbers.Number, error) {
	a := actingAccount(r)
	n, err := c.numbers.Get(r.Context(), a.ProjectSID, a.SID, chi.URLParam(r, "sid"))
	if errors.Is(err, numbers.ErrNotFound) {
		return nil, errNotFound
	}
	return n, err
}

func (c *Console) numberData(r *http.Request, n *numbers.Number) (web.NumberData, error) {
	d := web.NumberData{Number: n, Currency: web.CurrentProject(r.Context()).Currency, Rename: web.NumberForm{FriendlyName: n.FriendlyName}}
	items, err := c.numbers.RecurringItems(r.Context(), n.ProjectSID, n)
	d.Item = items[n.RecurringItem]
	return d, err
}

func (c *Console) numberPage(w http.ResponseWriter, r *http.Request) error {
	n, err := c.number(r)
	if err != nil {
		return err
	}
	d, err := c.numberData(r, n)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.Number(d))
}

func (c *Console) renameNumber(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	n, err := c.number(r)
	if err != nil {
		return err
	}
	d, err := c.numberData(r, n)
	if err != nil {
		return err
	}
	d.Rename.FriendlyName = strings.TrimSpace(r.PostFormValue("friendly_name"))
	_, err = c.numbers.Rename(ctx, audit.ActorFrom(ctx), actingAccount(r), n.SID, numbers.RenameInput{FriendlyName: d.Rename.FriendlyName})
	if numberProblems(err, &d.Rename.Errors) {
		return render(w, r, http.StatusUnprocessableEntity, web.Number(d))
	}
	if errors.Is(err, numbers.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "settings.saved")
	return redirect(w, r, "/phone-numbers/"+n.SID)
}

// digitsOf keeps the digits of a number as typed, so that the
// confirmation accepts it with or without spaces and the plus sign.
func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// releaseNumber gives the number up once the user typed it, and stops its
// monthly charge.
func (c *Console) releaseNumber(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	n, err := c.number(r)
	if err != nil {
		return err
	}
	if digitsOf(r.PostFormValue("confirm_number")) != digitsOf(n.PhoneNumber) {
		d, err := c.numberData(r, n)
		if err != nil {
			return err
		}
		d.Release.Add("confirm_number", "numbers.release_mismatch")
		return render(w, r, http.StatusUnprocessableEntity, web.Number(d))
	}
	_, err = c.numbers.Release(ctx, audit.ActorFrom(ctx), actingAccount(r), n.SID)
	if errors.Is(err, numbers.ErrNotFound) {
		return errNotFound
	}
	if errors.Is(err, account.ErrNotActive) {
		return errInactive
	}
	if err != nil {
		return err
	}
	c.flash(ctx, "ok", "numbers.released", numbers.Format(n.PhoneNumber))
	return redirect(w, r, "/phone-numbers")
}

// numberProblemKeys are the messages of the numbers inputs' problems,
// shown next to the form field of the same name.
var numberProblemKeys = map[numbers.Problem]string{
	{Field: numbers.FieldPhoneNumber, Reason: numbers.ReasonRequired}:  "numbers.number_required",
	{Field: numbers.FieldFriendlyName, Reason: numbers.ReasonRequired}: "error.required",
	{Field: numbers.FieldFriendlyName, Reason: numbers.ReasonTooLong}:  "error.too_long",
}

// numberProblems puts the numbers.Problems in err on errs, each on its
// field, and reports whether err held any: the form is then shown again
// with them (422).
func numberProblems(err error, errs *web.FieldErrors) bool {
	var ps numbers.Problems
	if !errors.As(err, &ps) {
		return false
	}
	for _, p := range ps {
		key, ok := numberProblemKeys[p]
		if !ok {
			errs.Add("form", "error.bad_request")
			continue
		}
		errs.Add(p.Field, key)
	}
	return true
}

// buyRefusals say, above the search, why a purchase's request was
// refused; the first problem's is shown.
var buyRefusals = map[numbers.Problem]string{
	{Field: numbers.FieldPhoneNumber, Reason: numbers.ReasonRequired}: "numbers.number_required",
	{Field: numbers.FieldFriendlyName, Reason: numbers.ReasonTooLong}: "numbers.name_too_long",
}

// buyProblems puts a purchase's problems on errs, as numberProblems does
// but the number's (a hidden field) left to the refusal, and returns the
// refusal's message.
func buyProblems(err error, errs *web.FieldErrors) string {
	var ps numbers.Problems
	if !errors.As(err, &ps) || len(ps) == 0 {
		return "error.bad_request"
	}
	var fields numbers.Problems
	for _, p := range ps {
		if p.Field != numbers.FieldPhoneNumber {
			fields = append(fields, p)
		}
	}
	numberProblems(fields, errs)
	if key, ok := buyRefusals[ps[0]]; ok {
		return key
	}
	return "error.bad_request"
}
