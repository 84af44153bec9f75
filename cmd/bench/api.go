package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// credentials are an account's SID and auth token, the REST API's basic
// auth.
type credentials struct {
	sid, token string
}

// apiClient sets scenarios up through the REST API as a customer's program
// would (subaccounts, phone numbers), one request at a time.
type apiClient struct {
	baseURL string
	http    *http.Client
}

func newAPIClient(baseURL string) *apiClient {
	return &apiClient{baseURL: baseURL, http: &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 30 * time.Second}}
}

func (c *apiClient) close() { c.http.CloseIdleConnections() }

// call sends a request to path (under the server's base URL) with form as
// its body (a query for GET), and decodes the answer into out unless the
// status differs from want.
func (c *apiClient) call(ctx context.Context, method, path string, cred credentials, form url.Values, want int, out any) error {
	var body io.Reader
	u := c.baseURL + path
	if method == http.MethodGet {
		if len(form) > 0 {
			u += "?" + form.Encode()
		}
	} else {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.SetBasicAuth(cred.sid, cred.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	return nil
}

// createSubaccounts creates n subaccounts of the project through
// POST Accounts.json and returns their credentials.
func (c *apiClient) createSubaccounts(ctx context.Context, project credentials, label string, n int) ([]credentials, error) {
	var subs []credentials
	for i := range n {
		var acc struct {
			SID       string `json:"sid"`
			AuthToken string `json:"auth_token"`
		}
		form := url.Values{"FriendlyName": {fmt.Sprintf("Bench %s %d", label, i+1)}}
		if err := c.call(ctx, http.MethodPost, "/2010-04-01/Accounts.json", project, form, http.StatusCreated, &acc); err != nil {
			return nil, fmt.Errorf("creating a subaccount: %w", err)
		}
		if acc.SID == "" || acc.AuthToken == "" {
			return nil, fmt.Errorf("creating a subaccount: no sid or auth_token in the answer")
		}
		subs = append(subs, credentials{sid: acc.SID, token: acc.AuthToken})
	}
	return subs, nil
}

// buyNumber buys the first available number of a country and type
// (Local.json, Mobile.json) for the account, and returns it.
func (c *apiClient) buyNumber(ctx context.Context, acc credentials, country, resource string) (string, error) {
	var avail struct {
		Numbers []struct {
			PhoneNumber  string `json:"phone_number"`
			Capabilities struct {
				SMS bool `json:"SMS"`
			} `json:"capabilities"`
		} `json:"available_phone_numbers"`
	}
	base := "/2010-04-01/Accounts/" + acc.sid
	if err := c.call(ctx, http.MethodGet, base+"/AvailablePhoneNumbers/"+country+"/"+resource, acc, url.Values{"PageSize": {"20"}}, http.StatusOK, &avail); err != nil {
		return "", err
	}
	// A page, not one number: the inventory offers the same first
	// candidates to everyone and leaves out those already owned.
	if len(avail.Numbers) == 0 || !avail.Numbers[0].Capabilities.SMS {
		return "", fmt.Errorf("no SMS-capable %s %s number available", country, resource)
	}
	var bought struct {
		PhoneNumber string `json:"phone_number"`
	}
	number := avail.Numbers[0].PhoneNumber
	if err := c.call(ctx, http.MethodPost, base+"/IncomingPhoneNumbers.json", acc, url.Values{"PhoneNumber": {number}}, http.StatusCreated, &bought); err != nil {
		return "", err
	}
	if bought.PhoneNumber != number {
		return "", fmt.Errorf("bought %q, asked for %q", bought.PhoneNumber, number)
	}
	return number, nil
}
