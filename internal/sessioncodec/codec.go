// Package sessioncodec encodes scs session data compactly. scs's default
// gob codec rebuilds its type information on every request; the console's
// sessions hold only strings, integers and booleans, which this codec
// writes directly.
package sessioncodec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/alexedwards/scs/v2"
)

// Codec implements scs.Codec for string, int, int64 and bool values.
type Codec struct{}

const (
	tagString byte = 's'
	tagInt    byte = 'i'
	tagInt64  byte = 'l'
	tagBool   byte = 'b'
)

var errCorrupt = errors.New("sessioncodec: corrupt session data")

// Encode writes the deadline and the values.
func (Codec) Encode(deadline time.Time, values map[string]interface{}) ([]byte, error) {
	b := make([]byte, 0, 64)
	b = binary.AppendVarint(b, deadline.UnixNano())
	b = binary.AppendUvarint(b, uint64(len(values)))
	for k, v := range values {
		b = appendString(b, k)
		switch x := v.(type) {
		case string:
			b = append(b, tagString)
			b = appendString(b, x)
		case int:
			b = append(b, tagInt)
			b = binary.AppendVarint(b, int64(x))
		case int64:
			b = append(b, tagInt64)
			b = binary.AppendVarint(b, x)
		case bool:
			b = append(b, tagBool)
			if x {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		default:
			return nil, fmt.Errorf("sessioncodec: cannot store %T under %q", v, k)
		}
	}
	return b, nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// Decode reads what Encode wrote; sessions written by scs's gob codec
// before this one are still read, so nobody is signed out by the change.
func (c Codec) Decode(b []byte) (time.Time, map[string]interface{}, error) {
	deadline, values, err := c.decode(b)
	if err != nil {
		if dl, v, gerr := (scs.GobCodec{}).Decode(b); gerr == nil {
			return dl, v, nil
		}
	}
	return deadline, values, err
}

func (Codec) decode(b []byte) (time.Time, map[string]interface{}, error) {
	d := decoder{b: b}
	nanos := d.varint()
	n := d.uvarint()
	if d.err != nil || n > uint64(len(b)) {
		return time.Time{}, nil, errCorrupt
	}
	values := make(map[string]interface{}, n)
	for i := uint64(0); i < n && d.err == nil; i++ {
		k := d.str()
		switch d.byte() {
		case tagString:
			values[k] = d.str()
		case tagInt:
			v := d.varint()
			if v < math.MinInt || v > math.MaxInt {
				d.err = errCorrupt
			}
			values[k] = int(v)
		case tagInt64:
			values[k] = d.varint()
		case tagBool:
			values[k] = d.byte() == 1
		default:
			d.err = errCorrupt
		}
	}
	if d.err != nil {
		return time.Time{}, nil, d.err
	}
	return time.Unix(0, nanos), values, nil
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		d.err = errCorrupt
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) str() string {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.err = errCorrupt
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}
