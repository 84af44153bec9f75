package console

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"console/internal/account"
	"console/internal/billing"
	"console/internal/numbers"
	"console/internal/usage"
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
	ns, err := numbers.List(ctx, c.pool, a.ProjectSID, a.SID, after, 0, numbersPageSize+1)
	if err != nil {
		return err
	}
	d := web.NumbersData{Currency: web.CurrentProject(ctx).Currency}
	if len(ns) > numbersPageSize {
		ns = ns[:numbersPageSize]
		d.Next = ns[len(ns)-1].SID
	}
	ids := make([]string, len(ns))
	for i, n := range ns {
		ids[i] = n.RecurringItem
	}
	items, err := billing.RecurringItemsByID(ctx, c.pool, a.ProjectSID, ids)
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
	price, _, err := usage.Price(ctx, c.pool, numbers.Category(d.Form.Type), d.Form.Country, d.Currency)
	if errors.Is(err, usage.ErrNoPrice) {
		d.NotSold = true
		return nil
	}
	if err != nil {
		return err
	}
	d.Monthly = billing.Money{Amount: price, Currency: d.Currency}
	d.Results, err = numbers.Available(ctx, c.pool, d.Form.Country, d.Form.Type, d.Form.Contains, searchResults)
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
	if d.Form.Errors.Any() {
		return render(w, r, http.StatusUnprocessableEntity, web.NumberSearch(d))
	}
	if err := c.search(r.Context(), &d); err != nil {
		return err
	}
	return render(w, r, http.StatusOK, web.NumberSearch(d))
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
	if d.Buy.PhoneNumber == "" {
		return refuse("numbers.number_required")
	}
	if len([]rune(d.Buy.FriendlyName)) > maxNameLen {
		d.Buy.Errors.Add("friendly_name", "error.too_long")
		return refuse("numbers.name_too_long")
	}
	if _, _, ok := numbers.Lookup(d.Buy.PhoneNumber); !ok {
		return refuse("numbers.unavailable", d.Buy.PhoneNumber)
	}
	n, err := c.numbers.Buy(ctx, a, numbers.BuyRequest{PhoneNumber: d.Buy.PhoneNumber, FriendlyName: d.Buy.FriendlyName,
		Then: func(ctx context.Context, tx pgx.Tx, n *numbers.Number) error {
			return c.projectAudit(r, tx, a.SID, "number.bought", n.SID, map[string]string{"phone_number": n.PhoneNumber, "friendly_name": n.FriendlyName})
		}})
	phone := numbers.Format(d.Buy.PhoneNumber)
	switch {
	case errors.Is(err, numbers.ErrNotAvailable):
		// A second submit of the same purchase lands here: the number is
		// unique, so it was neither bought nor charged twice.
		mine, gerr := numbers.GetByPhone(ctx, c.pool, a.ProjectSID, a.SID, d.Buy.PhoneNumber)
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
		bal, berr := billing.Balance(ctx, c.pool, a.ProjectSID)
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
	n, err := numbers.Get(r.Context(), c.pool, a.ProjectSID, a.SID, chi.URLParam(r, "sid"))
	if errors.Is(err, numbers.ErrNotFound) {
		return nil, errNotFound
	}
	return n, err
}

func (c *Console) numberData(r *http.Request, n *numbers.Number) (web.NumberData, error) {
	d := web.NumberData{Number: n, Currency: web.CurrentProject(r.Context()).Currency, Rename: web.NumberForm{FriendlyName: n.FriendlyName}}
	items, err := billing.RecurringItemsByID(r.Context(), c.pool, n.ProjectSID, []string{n.RecurringItem})
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
	checkName(&d.Rename.Errors, "friendly_name", d.Rename.FriendlyName)
	if d.Rename.Errors.Any() {
		return render(w, r, http.StatusUnprocessableEntity, web.Number(d))
	}
	err = pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		if _, err := numbers.Rename(ctx, tx, n.ProjectSID, n.AccountSID, n.SID, d.Rename.FriendlyName); err != nil {
			return err
		}
		return c.projectAudit(r, tx, n.AccountSID, "number.renamed", n.SID, map[string]string{"from": n.FriendlyName, "to": d.Rename.FriendlyName})
	})
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
	_, err = c.numbers.Release(ctx, actingAccount(r), n.SID, func(ctx context.Context, tx pgx.Tx, n *numbers.Number) error {
		return c.projectAudit(r, tx, n.AccountSID, "number.released", n.SID, map[string]string{"phone_number": n.PhoneNumber})
	})
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
