package usage

import (
	"context"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"console/internal/database"
)

// PriceListTTL is how long a PriceList keeps the prices it read, unless
// told otherwise: a price changed in the database is charged within this
// long.
const PriceListTTL = time.Minute

// PriceList reads the price list through a cache: sending reads a price
// per message, and the list is a few dozen rows that change by a
// migration or an operator's update, rarely.
type PriceList struct {
	DB database.DBTX
	// TTL is how long prices read are kept; zero means PriceListTTL.
	TTL time.Duration
	// Now is the clock the TTL runs on; nil is time.Now.
	Now func() time.Time

	mu     sync.Mutex
	read   time.Time
	prices map[priceKey]unitPrice
}

type priceKey struct{ category, country, currency string }

type unitPrice struct {
	price decimal.Decimal
	unit  string
}

// Price returns what one unit of category costs to country in currency,
// or ErrNoPrice, as the package's Price does.
func (l *PriceList) Price(ctx context.Context, category, country, currency string) (decimal.Decimal, string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ttl := l.TTL
	if ttl == 0 {
		ttl = PriceListTTL
	}
	if l.prices == nil || l.now().Sub(l.read) > ttl {
		if err := l.load(ctx); err != nil {
			return decimal.Zero, "", err
		}
	}
	p, ok := l.prices[priceKey{category, country, currency}]
	if !ok {
		return decimal.Zero, "", ErrNoPrice
	}
	return p.price, p.unit, nil
}

// load reads the whole list; l.mu is held, so concurrent callers wait for
// one read rather than each making their own.
func (l *PriceList) load(ctx context.Context) error {
	rows, err := l.DB.Query(ctx, `SELECT category, country, currency, price, unit FROM prices`)
	if err != nil {
		return err
	}
	defer rows.Close()
	prices := map[priceKey]unitPrice{}
	for rows.Next() {
		var k priceKey
		var p unitPrice
		if err := rows.Scan(&k.category, &k.country, &k.currency, &p.price, &p.unit); err != nil {
			return err
		}
		prices[k] = p
	}
	if err := rows.Err(); err != nil {
		return err
	}
	l.prices, l.read = prices, l.now()
	return nil
}

func (l *PriceList) now() time.Time {
	if l.Now == nil {
		return time.Now()
	}
	return l.Now()
}
