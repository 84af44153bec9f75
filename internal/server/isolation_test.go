package server_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/require"

	"console/internal/account"
	"console/internal/numbers"
	"console/internal/sid"
	"console/internal/team"
	"console/internal/webtest"
)

// The tenant-isolation matrix: every registered route × every kind of
// caller × objects of the caller's own tenant and of others, with the
// status each must get. Where access is refused, nothing may change. A
// route registered without a row here fails the test, so a new route
// cannot skip the question of who may call it.
//
// Callers: A and B are owners of two projects (console: signed-in
// browsers; API: their Account SID and auth token); sub is A's subaccount's
// credentials; std and main are A's Standard and Main API keys; test is
// A's test credentials; anon has no credentials.
// Objects: a is tenant A's object (the master account, its subaccount or
// key), b is tenant B's, s2 is A's other subaccount (a sibling of sub).
type row struct {
	path   string     // a path template: {sid}, {accountSid} filled per object
	form   url.Values // the body of a POST
	expect string     // "caller:object=status ...", object a when omitted
}

// request is the row's request with its tenants' expectation.
func (c consoleRow) request() row { return row{c.path, c.form, c.tenants} }

// consoleRow is a console route's request with its two expectations: who
// may reach which tenant's objects (this file's matrix) and what each role
// of the project gets (roles_test.go), asked with the same request.
type consoleRow struct {
	path    string
	form    url.Values
	tenants string // as row.expect
	roles   string // statuses for owner, admin, developer, billing, support; "" for routes outside the console
}

var consoleRows = map[string]consoleRow{
	"GET /":                                        {"/", nil, "A=200 B=200 anon=303", "200 200 200 200 200"},
	"GET /console/auth-token":                      {"/console/auth-token", nil, "A=200 B=200 anon=303", "200 200 200 403 403"},
	"POST /console/auth-token/regenerate":          {"/console/auth-token/regenerate", form("password", "wrong password"), "A=422 B=422 anon=303", "422 422 403 403 403"},
	"POST /language":                               {"/language", form("locale", "en"), "A=303 B=303 anon=303", "303 303 303 303 303"},
	"POST /pins/{service}":                         {"/pins/usage", form("pinned", "true"), "A=303 B=303 anon=303", "303 303 303 303 303"},
	"GET /projects/new":                            {"/projects/new", nil, "A=200 B=200 anon=303", "200 200 200 200 200"},
	"POST /projects":                               {"/projects", form("project_name", "", "currency", "USD", "time_zone", "UTC"), "A=422 B=422 anon=303", "422 422 422 422 422"},
	"GET /projects/leave":                          {"/projects/leave", nil, "A=200 B=200 anon=303", "200 200 200 200 200"},
	"POST /projects/leave":                         {"/projects/leave", form("project", "{project}"), "A:a=422 A:b=404 B:a=404 anon=303", "422 303 303 303 303"},
	"GET /projects/subaccounts":                    {"/projects/subaccounts?q=Sh", nil, "A=200 B=200 anon=303", "200 200 200 403 403"},
	"GET /user/settings/delete":                    {"/user/settings/delete", nil, "A=200 B=200 anon=303", "200 200 200 200 200"},
	"POST /user/settings/delete":                   {"/user/settings/delete", form("current_password", "wrong password"), "A=422 B=422 anon=303", "422 422 422 422 422"},
	"POST /projects/switch":                        {"/projects/switch", form("project", "{project}"), "A:a=303 A:b=404 B:a=404 anon=303", "303 303 303 303 303"},
	"GET /services":                                {"/services", nil, "A=200 B=200 anon=303", "200 200 200 200 200"},
	"GET /services/{service}":                      {"/services/billing", nil, "A=303 B=303 anon=303", "303 303 403 303 403"},
	"GET /settings":                                {"/settings", nil, "A=303 B=303 anon=303", "303 303 303 403 403"},
	"GET /settings/general":                        {"/settings/general", nil, "A=200 B=200 anon=303", "200 200 403 403 403"},
	"POST /settings/general":                       {"/settings/general", form("friendly_name", "Test Project", "time_zone", "Asia/Tokyo", "currency", "USD"), "A=303 B=303 anon=303", "303 303 403 403 403"},
	"GET /settings/credentials":                    {"/settings/credentials", nil, "A=200 B=200 anon=303", "200 200 200 403 403"},
	"POST /settings/credentials/secondary":         {"/settings/credentials/secondary", nil, "A=303 B=303 anon=303", "303 303 403 403 403"},
	"POST /settings/credentials/secondary/delete":  {"/settings/credentials/secondary/delete", nil, "A=303 B=303 anon=303", "303 303 403 403 403"},
	"POST /settings/credentials/secondary/promote": {"/settings/credentials/secondary/promote", nil, "A=303 B=303 anon=303", "303 303 403 403 403"},
	"GET /settings/keys":                           {"/settings/keys", nil, "A=200 B=200 anon=303", "200 200 200 403 403"},
	"POST /settings/keys":                          {"/settings/keys", form("friendly_name", "k", "type", "standard"), "A=200 B=200 anon=303", "200 200 200 403 403"},
	"POST /settings/keys/{sid}/delete":             {"/settings/keys/{key}/delete", nil, "A:a=303 A:b=404 B:a=404 anon=303", "303 303 303 403 403"},
	"GET /settings/subaccounts":                    {"/settings/subaccounts", nil, "A=200 B=200 anon=303", "200 200 200 403 403"},
	"POST /settings/subaccounts":                   {"/settings/subaccounts", form("friendly_name", "New"), "A=303 B=303 anon=303", "303 303 403 403 403"},
	"GET /settings/subaccounts/{sid}":              {"/settings/subaccounts/{sub}", nil, "A:a=200 A:b=404 A:master=404 B:a=404 anon=303", "200 200 200 403 403"},
	"POST /settings/subaccounts/{sid}/close":       {"/settings/subaccounts/{sub}/close", form("confirm_name", "Shop", "password", "{password}"), "A:a=303 A:b=404 A:master=404 B:a=404 anon=303", "303 303 403 403 403"},
	"POST /settings/subaccounts/{sid}/rename":      {"/settings/subaccounts/{sub}/rename", form("friendly_name", "Shop"), "A:a=303 A:b=404 A:master=404 B:a=404 anon=303", "303 303 403 403 403"},
	"POST /settings/subaccounts/{sid}/status":      {"/settings/subaccounts/{sub}/status", form("status", "suspended"), "A:a=303 A:b=404 A:master=404 B:a=404 anon=303", "303 303 403 403 403"},
	"POST /settings/subaccounts/{sid}/view":        {"/settings/subaccounts/{sub}/view", nil, "A:a=303 A:b=404 A:master=404 B:a=404 anon=303", "303 303 303 403 403"},
	"POST /switch-to-master":                       {"/switch-to-master", nil, "A=303 B=303 anon=303", "303 303 303 303 303"},
	"GET /password/forgot":                         {"/password/forgot", nil, "A=200 B=200 anon=200", "200 200 200 200 200"},
	"POST /password/forgot":                        {"/password/forgot", form("email", "not an address"), "A=422 B=422 anon=422", "422 422 422 422 422"},
	"GET /password/reset":                          {"/password/reset", nil, "A=404 B=404 anon=404", "404 404 404 404 404"},
	"POST /password/reset":                         {"/password/reset", form("new_password", "a long new password"), "A=404 B=404 anon=404", "404 404 404 404 404"},
	"GET /email/confirm":                           {"/email/confirm", nil, "A=404 B=404 anon=404", "404 404 404 404 404"},
	"POST /email/confirm":                          {"/email/confirm", nil, "A=404 B=404 anon=404", "404 404 404 404 404"},
	"GET /email/cancel":                            {"/email/cancel", nil, "A=404 B=404 anon=404", "404 404 404 404 404"},
	"POST /email/cancel":                           {"/email/cancel", nil, "A=404 B=404 anon=404", "404 404 404 404 404"},
	"POST /user/settings/email/cancel":             {"/user/settings/email/cancel", nil, "A=303 B=303 anon=303", "303 303 303 303 303"},
	"GET /signin":                                  {"/signin", nil, "A=303 B=303 anon=200", "303 303 303 303 303"},
	"POST /signin":                                 {"/signin", form("email", "nobody@example.com", "password", "wrong password"), "A=422 B=422 anon=422", "422 422 422 422 422"},
	"GET /signin/2fa":                              {"/signin/2fa", nil, "A=303 B=303 anon=303", "303 303 303 303 303"},
	"POST /signin/2fa":                             {"/signin/2fa", form("code", "123456"), "A=303 B=303 anon=303", "303 303 303 303 303"},
	"POST /signout":                                {"/signout", nil, "A=303 B=303 anon=303", "303 303 303 303 303"},
	"GET /signup":                                  {"/signup", nil, "A=303 B=303 anon=200", "303 303 303 303 303"},
	"POST /signup":                                 {"/signup", form("email", "bad"), "A=303 B=303 anon=422", "303 303 303 303 303"},
	"GET /verify":                                  {"/verify", nil, "A=303 B=303 anon=303", "303 303 303 303 303"},
	"POST /verify/resend":                          {"/verify/resend", nil, "A=303 B=303 anon=303", "303 303 303 303 303"},
	"POST /verify/email":                           {"/verify/email", form("email", "new@example.com"), "A=303 B=303 anon=303", "303 303 303 303 303"},
	"GET /verify/confirm":                          {"/verify/confirm?token=0123", nil, "A=404 B=404 anon=404", "404 404 404 404 404"},
	"POST /verify/confirm":                         {"/verify/confirm", form("token", "0123"), "A=404 B=404 anon=404", "404 404 404 404 404"},
	"GET /user/settings":                           {"/user/settings", nil, "A=200 B=200 anon=303", "200 200 200 200 200"},
	"GET /user/settings/2fa":                       {"/user/settings/2fa", nil, "A=303 B=303 anon=303", "303 303 303 303 303"},
	"GET /user/settings/2fa/qr.png":                {"/user/settings/2fa/qr.png", nil, "A=404 B=404 anon=303", "404 404 404 404 404"},
	"POST /user/settings/2fa/begin":                {"/user/settings/2fa/begin", nil, "A=303 B=303 anon=303", "303 303 303 303 303"},
	"POST /user/settings/2fa/confirm":              {"/user/settings/2fa/confirm", form("code", "123456"), "A=303 B=303 anon=303", "303 303 303 303 303"},
	"POST /user/settings/2fa/disable":              {"/user/settings/2fa/disable", nil, "A=303 B=303 anon=303", "303 303 303 303 303"},
	"POST /user/settings/email":                    {"/user/settings/email", form("email", "x@example.com", "current_password", "wrong password"), "A=422 B=422 anon=303", "422 422 422 422 422"},
	"POST /user/settings/language":                 {"/user/settings/language", form("locale", "en"), "A=303 B=303 anon=303", "303 303 303 303 303"},
	"POST /user/settings/password":                 {"/user/settings/password", form("current_password", "wrong password", "new_password", "another password"), "A=422 B=422 anon=303", "422 422 422 422 422"},
	"POST /user/settings/profile":                  {"/user/settings/profile", form("friendly_name", "Test Owner"), "A=303 B=303 anon=303", "303 303 303 303 303"},
	"POST /user/settings/2fa/recovery-codes":       {"/user/settings/2fa/recovery-codes", form("code", "123456"), "A=303 B=303 anon=303", "303 303 303 303 303"},
	"GET /user/settings/sessions":                  {"/user/settings/sessions", nil, "A=200 B=200 anon=303", "200 200 200 200 200"},
	"POST /user/settings/sessions/others/end":      {"/user/settings/sessions/others/end", nil, "A=303 B=303 anon=303", "303 303 303 303 303"},
	"POST /user/settings/sessions/{id}/end":        {"/user/settings/sessions/{key32}/end", nil, "A=404 B=404 anon=303", "404 404 404 404 404"},
	"POST /user/settings/browsers/{id}/forget":     {"/user/settings/browsers/{key32}/forget", nil, "A=404 B=404 anon=303", "404 404 404 404 404"},
	"GET /dev/mailbox":                             {"/dev/mailbox", nil, "A=200 B=200 anon=200", "200 200 200 200 200"},
	"GET /dev/mailbox/{id}":                        {"/dev/mailbox/999999999", nil, "A=404 anon=404", "404 404 404 404 404"},
	"GET /invitation":                              {"/invitation", nil, "A=404 B=404 anon=404", "404 404 404 404 404"},
	"POST /invitation/accept":                      {"/invitation/accept", nil, "A=404 B=404 anon=404", "404 404 404 404 404"},
	"POST /invitation/signup":                      {"/invitation/signup", form("name", "X", "password", "long enough"), "A=404 B=404 anon=404", "404 404 404 404 404"},
	"GET /user/settings/2fa/required":              {"/user/settings/2fa/required", nil, "A=303 B=303 anon=303", "303 303 303 303 303"},
	"POST /settings/general/require-2fa":           {"/settings/general/require-2fa", form("on", "false"), "A=303 B=303 anon=303", "303 303 403 403 403"},
	"GET /settings/users":                          {"/settings/users", nil, "A=200 B=200 anon=303", "200 200 403 403 403"},
	"POST /settings/users/invite":                  {"/settings/users/invite", form("email", "not an email", "role", "developer"), "A=422 B=422 anon=303", "422 422 403 403 403"},
	"POST /settings/users/invitations/{id}/resend": {"/settings/users/invitations/{invitation}/resend", nil, "A:a=303 A:b=404 B:a=404 anon=303", "303 303 403 403 403"},
	"POST /settings/users/invitations/{id}/revoke": {"/settings/users/invitations/{invitation}/revoke", nil, "A:a=303 A:b=404 B:a=404 anon=303", "303 303 403 403 403"},
	"POST /settings/users/{user}/role":             {"/settings/users/{member}/role", form("role", "support"), "A:a=303 A:b=404 B:a=404 anon=303", "303 303 403 403 403"},
	"POST /settings/users/{user}/remove":           {"/settings/users/{member}/remove", nil, "A:a=303 A:b=404 B:a=404 anon=303", "303 303 403 403 403"},
	"POST /settings/users/{user}/transfer":         {"/settings/users/{member}/transfer", nil, "A:a=422 A:b=404 B:a=404 anon=303", "422 403 403 403 403"},
	"GET /billing":                                 {"/billing", nil, "A=200 B=200 anon=303", "200 200 403 200 403"},
	"GET /billing/payment-methods":                 {"/billing/payment-methods", nil, "A=200 B=200 anon=303", "200 200 403 200 403"},
	"GET /billing/history":                         {"/billing/history", nil, "A=200 B=200 anon=303", "200 200 403 200 403"},
	"GET /billing/statement":                       {"/billing/statement", nil, "A=200 B=200 anon=303", "200 200 403 200 403"},
	"GET /billing/statement/pdf":                   {"/billing/statement/pdf", nil, "A=200 B=200 anon=303", "200 200 403 200 403"},
	"GET /billing/receipts/{id}":                   {"/billing/receipts/{payment}", nil, "A:a=200 A:b=404 B:a=404 anon=303", "200 200 403 200 403"},
	"GET /billing/receipts/{id}/pdf":               {"/billing/receipts/{payment}/pdf", nil, "A:a=200 A:b=404 B:a=404 anon=303", "200 200 403 200 403"},
	"GET /billing/recurring":                       {"/billing/recurring", nil, "A=200 B=200 anon=303", "200 200 403 200 403"},
	"GET /billing/preferences":                     {"/billing/preferences", nil, "A=200 B=200 anon=303", "200 200 403 200 403"},
	"POST /billing/add-funds":                      {"/billing/add-funds", form("amount", "20", "method", "{card}", "key", "{key32}"), "A:a=303 A:b=422 B:a=422 anon=303", "303 303 403 303 403"},
	"POST /billing/auto-recharge":                  {"/billing/auto-recharge", form("enabled", "", "threshold", "5", "target", "20"), "A=303 B=303 anon=303", "303 303 403 303 403"},
	"POST /billing/alerts":                         {"/billing/alerts", form("threshold", "3"), "A=303 B=303 anon=303", "303 303 403 303 403"},
	"POST /billing/alerts/remove":                  {"/billing/alerts/remove", form("threshold", "3"), "A=303 B=303 anon=303", "303 303 403 303 403"},
	"POST /billing/payment-methods":                {"/billing/payment-methods", form("holder", "X", "number", "4242424242424241"), "A=422 B=422 anon=303", "422 422 403 422 403"},
	"POST /billing/payment-methods/{id}/primary":   {"/billing/payment-methods/{card}/primary", nil, "A:a=303 A:b=404 B:a=404 anon=303", "303 303 403 303 403"},
	"POST /billing/payment-methods/{id}/down":      {"/billing/payment-methods/{card}/down", nil, "A:a=303 A:b=404 B:a=404 anon=303", "303 303 403 303 403"},
	"POST /billing/payment-methods/{id}/remove":    {"/billing/payment-methods/{card}/remove", nil, "A:a=303 A:b=404 B:a=404 anon=303", "303 303 403 303 403"},
	"POST /billing/preferences":                    {"/billing/preferences", form("company_name", "X"), "A=303 B=303 anon=303", "303 303 403 303 403"},
	"GET /sms/logs":                                {"/sms/logs", nil, "A=200 B=200 anon=303", "200 200 200 200 200"},
	"GET /voice/logs":                              {"/voice/logs", nil, "A=200 B=200 anon=303", "200 200 200 200 200"},
	"GET /sms/logs/{sid}":                          {"/sms/logs/{message}", nil, "A:a=200 A:b=404 A:s2=404 B:a=404 anon=303", "200 200 200 200 200"},
	"GET /voice/logs/{sid}":                        {"/voice/logs/{call}", nil, "A:a=200 A:b=404 A:s2=404 B:a=404 anon=303", "200 200 200 200 200"},
	"POST /sms/logs/{sid}/redact":                  {"/sms/logs/{message}/redact", nil, "A:a=303 A:b=404 A:s2=404 B:a=404 anon=303", "303 303 303 403 403"},
	"POST /sms/logs/{sid}/delete":                  {"/sms/logs/{message}/delete", nil, "A:a=303 A:b=404 A:s2=404 B:a=404 anon=303", "303 303 303 403 403"},
	"GET /usage":                                   {"/usage?account={account}", nil, "A:a=200 A:s2=200 A:b=404 B:a=404 B:s2=404 anon=303", "200 200 200 200 200"},
	"GET /usage/summary.csv":                       {"/usage/summary.csv?account={account}", nil, "A:a=200 A:s2=200 A:b=404 B:a=404 B:s2=404 anon=303", "200 200 200 200 200"},
	"GET /usage/subaccounts":                       {"/usage/subaccounts?sort=name&dir=desc", nil, "A=200 B=200 anon=303", "200 200 200 200 200"},
	"GET /monitor/events":                          {"/monitor/events?action=key.created", nil, "A=200 B=200 anon=303", "200 200 403 403 403"},
	"GET /monitor/events.csv":                      {"/monitor/events.csv", nil, "A=200 B=200 anon=303", "200 200 403 403 403"},
	"GET /phone-numbers":                           {"/phone-numbers", nil, "A=200 B=200 anon=303", "200 200 200 403 403"},
	"GET /phone-numbers/search":                    {"/phone-numbers/search?country=US&type=local", nil, "A=200 B=200 anon=303", "200 200 200 403 403"},
	"POST /phone-numbers/buy":                      {"/phone-numbers/buy", form("phone_number", "{fresh_number}", "country", "JP", "type", "local"), "A=303 B=303 anon=303", "303 303 303 403 403"},
	"GET /phone-numbers/{sid}":                     {"/phone-numbers/{number}", nil, "A:a=200 A:b=404 A:s2=404 B:a=404 anon=303", "200 200 200 403 403"},
	"POST /phone-numbers/{sid}":                    {"/phone-numbers/{number}", form("friendly_name", "Main line"), "A:a=303 A:b=404 A:s2=404 B:a=404 anon=303", "303 303 303 403 403"},
	"POST /phone-numbers/{sid}/release":            {"/phone-numbers/{number}/release", form("confirm_number", "{phone}"), "A:a=303 A:b=404 A:s2=404 B:a=404 anon=303", "303 303 303 403 403"},
	"GET /usage/triggers":                          {"/usage/triggers", nil, "A=200 B=200 anon=303", "200 200 200 200 403"},
	"GET /usage/triggers/new":                      {"/usage/triggers/new", nil, "A=200 B=200 anon=303", "200 200 200 200 403"},
	"POST /usage/triggers":                         {"/usage/triggers", triggerForm, "A=303 B=303 anon=303", "303 303 303 303 403"},
	"GET /usage/triggers/{sid}":                    {"/usage/triggers/{trigger}", nil, "A:a=200 A:b=404 A:s2=404 B:a=404 anon=303", "200 200 200 200 403"},
	"POST /usage/triggers/{sid}":                   {"/usage/triggers/{trigger}", triggerForm, "A:a=303 A:b=404 A:s2=404 B:a=404 anon=303", "303 303 303 303 403"},
	"POST /usage/triggers/{sid}/delete":            {"/usage/triggers/{trigger}/delete", nil, "A:a=303 A:b=404 A:s2=404 B:a=404 anon=303", "303 303 303 303 403"},
	"GET /healthz":                                 {"/healthz", nil, "A=200 anon=200", ""},
	"GET /readyz":                                  {"/readyz", nil, "A=200 anon=200", ""},
	"GET /static/*":                                {"/static/app.css", nil, "A=200 anon=200", ""},
}

const acct = "/2010-04-01/Accounts/"

var apiRows = map[string]row{
	"GET /2010-04-01/Accounts.json":  {acct[:len(acct)-1] + ".json", nil, "A=200 B=200 sub=200 std=403 main=200 test=403 anon=401"},
	"POST /2010-04-01/Accounts.json": {acct[:len(acct)-1] + ".json", form("FriendlyName", "x"), "A=201 B=201 sub=403 std=403 main=201 test=403 anon=401"},
	"GET /2010-04-01/Accounts/{sid}.json": {acct + "{account}.json", nil,
		"A:a=200 A:b=404 A:s2=200 B:a=404 sub:a=404 sub:s2=404 std:a=403 main:a=200 main:s2=200 test:a=403 anon:a=401"},
	"POST /2010-04-01/Accounts/{sid}.json": {acct + "{account}.json", form("FriendlyName", "Shop"),
		"A:a=200 A:b=404 A:s2=200 B:a=404 sub:a=404 sub:s2=404 std:a=403 main:a=200 test:a=403 anon:a=401"},
	"GET /2010-04-01/Accounts/{accountSid}/Keys.json": {acct + "{account}/Keys.json", nil,
		"A:a=200 A:b=404 A:s2=200 B:a=404 sub:a=404 sub:s2=404 std:a=403 main:a=200 test:a=403 anon:a=401"},
	"POST /2010-04-01/Accounts/{accountSid}/Keys.json": {acct + "{account}/Keys.json", form("FriendlyName", "k"),
		"A:a=201 A:b=404 A:s2=201 B:a=404 sub:a=404 sub:s2=404 std:a=403 main:a=201 test:a=403 anon:a=401"},
	"GET /2010-04-01/Accounts/{accountSid}/Keys/{sid}.json": {acct + "{account}/Keys/{key}.json", nil,
		"A:a=200 A:b=404 A:s2=200 B:a=404 sub:a=404 sub:s2=404 std:a=403 main:a=200 test:a=403 anon:a=401"},
	"POST /2010-04-01/Accounts/{accountSid}/Keys/{sid}.json": {acct + "{account}/Keys/{key}.json", form("FriendlyName", "k2"),
		"A:a=200 A:b=404 A:s2=200 B:a=404 sub:a=404 sub:s2=404 std:a=403 main:a=200 test:a=403 anon:a=401"},
	"DELETE /2010-04-01/Accounts/{accountSid}/Keys/{sid}.json": {acct + "{account}/Keys/{key}.json", nil,
		"A:a=204 A:b=404 A:s2=204 B:a=404 sub:a=404 sub:s2=404 std:a=403 main:a=204 test:a=403 anon:a=401"},
	"GET /2010-04-01/Accounts/{accountSid}/Balance.json": {acct + "{account}/Balance.json", nil,
		"A:a=200 A:b=404 A:s2=200 B:a=404 sub:a=404 sub:s2=404 std:a=200 main:a=200 test:a=403 anon:a=401"},
	"GET /2010-04-01/Accounts/{accountSid}/Messages.json": {acct + "{account}/Messages.json", nil,
		"A:a=200 A:b=404 A:s2=200 B:a=404 sub:a=404 sub:s2=404 std:a=200 main:a=200 test:a=403 anon:a=401"},
	"POST /2010-04-01/Accounts/{accountSid}/Messages.json": {acct + "{account}/Messages.json", form("To", "+14155550100", "From", "{phone}", "Body", "hi"),
		"A:a=201 A:b=404 A:s2=201 B:a=404 sub:a=404 sub:s2=404 std:a=201 main:a=201 test:a=404 anon:a=401"},
	"GET /2010-04-01/Accounts/{accountSid}/Calls.json": {acct + "{account}/Calls.json", nil,
		"A:a=200 A:b=404 A:s2=200 B:a=404 sub:a=404 sub:s2=404 std:a=200 main:a=200 test:a=403 anon:a=401"},
	"POST /2010-04-01/Accounts/{accountSid}/Calls.json": {acct + "{account}/Calls.json", form("To", "+14155550100", "From", "{phone}", "Url", "https://example.com/t"),
		"A:a=201 A:b=404 A:s2=201 B:a=404 sub:a=404 sub:s2=404 std:a=201 main:a=201 test:a=404 anon:a=401"},
	"GET /2010-04-01/Accounts/{accountSid}/Calls/{sid}.json": {acct + "{account}/Calls/{call}.json", nil,
		"A:a=200 A:b=404 A:s2=200 B:a=404 sub:a=404 sub:s2=404 std:a=200 main:a=200 test:a=403 anon:a=401"},
	// Without a Status the call is answered as it is.
	"POST /2010-04-01/Accounts/{accountSid}/Calls/{sid}.json": {acct + "{account}/Calls/{call}.json", nil,
		"A:a=200 A:b=404 A:s2=200 B:a=404 sub:a=404 sub:s2=404 std:a=200 main:a=200 test:a=403 anon:a=401"},
	"POST /2010-04-01/Accounts/{accountSid}/Messages/{sid}.json": {acct + "{account}/Messages/{message}.json", form("Body", ""),
		"A:a=200 A:b=404 A:s2=200 B:a=404 sub:a=404 sub:s2=404 std:a=200 main:a=200 test:a=403 anon:a=401"},
	"DELETE /2010-04-01/Accounts/{accountSid}/Messages/{sid}.json": {acct + "{account}/Messages/{message}.json", nil,
		"A:a=204 A:b=404 A:s2=204 B:a=404 sub:a=404 sub:s2=404 std:a=204 main:a=204 test:a=403 anon:a=401"},
	"GET /2010-04-01/Accounts/{accountSid}/AvailablePhoneNumbers/{country}/{type}": {acct + "{account}/AvailablePhoneNumbers/JP/Local.json", nil,
		"A:a=200 A:b=404 A:s2=200 B:a=404 sub:a=404 sub:s2=404 std:a=200 main:a=200 test:a=403 anon:a=401"},
	"GET /2010-04-01/Accounts/{accountSid}/IncomingPhoneNumbers.json":          {acct + "{account}/IncomingPhoneNumbers.json", nil, "A:a=200 A:b=404 A:s2=200 B:a=404 sub:a=404 sub:s2=404 std:a=200 main:a=200 test:a=403 anon:a=401"},
	"POST /2010-04-01/Accounts/{accountSid}/IncomingPhoneNumbers.json":         {acct + "{account}/IncomingPhoneNumbers.json", form("PhoneNumber", "{fresh_number}"), "A:a=201 A:b=404 A:s2=201 B:a=404 sub:a=404 sub:s2=404 std:a=201 main:a=201 test:a=404 anon:a=401"},
	"GET /2010-04-01/Accounts/{accountSid}/IncomingPhoneNumbers/{sid}.json":    {acct + "{account}/IncomingPhoneNumbers/{number}.json", nil, "A:a=200 A:b=404 A:s2=200 B:a=404 sub:a=404 sub:s2=404 std:a=200 main:a=200 test:a=403 anon:a=401"},
	"POST /2010-04-01/Accounts/{accountSid}/IncomingPhoneNumbers/{sid}.json":   {acct + "{account}/IncomingPhoneNumbers/{number}.json", form("FriendlyName", "n"), "A:a=200 A:b=404 A:s2=200 B:a=404 sub:a=404 sub:s2=404 std:a=200 main:a=200 test:a=403 anon:a=401"},
	"DELETE /2010-04-01/Accounts/{accountSid}/IncomingPhoneNumbers/{sid}.json": {acct + "{account}/IncomingPhoneNumbers/{number}.json", nil, "A:a=204 A:b=404 A:s2=204 B:a=404 sub:a=404 sub:s2=404 std:a=204 main:a=204 test:a=403 anon:a=401"},
	"GET /2010-04-01/Accounts/{accountSid}/Usage/Records.json":                 {acct + "{account}/Usage/Records.json", nil, "A:a=200 A:b=404 A:s2=200 B:a=404 sub:a=404 sub:s2=404 std:a=200 main:a=200 test:a=403 anon:a=401"},
	"GET /2010-04-01/Accounts/{accountSid}/Usage/Records/{sub}":                {acct + "{account}/Usage/Records/Daily.json", nil, "A:a=200 A:b=404 A:s2=200 B:a=404 sub:a=404 sub:s2=404 std:a=200 main:a=200 test:a=403 anon:a=401"},
	"GET /2010-04-01/Accounts/{accountSid}/Usage/Triggers.json":                {acct + "{account}/Usage/Triggers.json", nil, "A:a=200 A:b=404 A:s2=200 B:a=404 sub:a=404 sub:s2=404 std:a=200 main:a=200 test:a=403 anon:a=401"},
	"POST /2010-04-01/Accounts/{accountSid}/Usage/Triggers.json": {acct + "{account}/Usage/Triggers.json", form("CallbackUrl", "https://example.com/t", "TriggerValue", "5", "UsageCategory", "totalprice"),
		"A:a=201 A:b=404 A:s2=201 B:a=404 sub:a=404 sub:s2=404 std:a=201 main:a=201 test:a=403 anon:a=401"},
	"GET /2010-04-01/Accounts/{accountSid}/Usage/Triggers/{sid}.json":    {acct + "{account}/Usage/Triggers/{trigger}.json", nil, "A:a=200 A:b=404 A:s2=200 B:a=404 sub:a=404 sub:s2=404 std:a=200 main:a=200 test:a=403 anon:a=401"},
	"POST /2010-04-01/Accounts/{accountSid}/Usage/Triggers/{sid}.json":   {acct + "{account}/Usage/Triggers/{trigger}.json", form("FriendlyName", "renamed"), "A:a=200 A:b=404 A:s2=200 B:a=404 sub:a=404 sub:s2=404 std:a=200 main:a=200 test:a=403 anon:a=401"},
	"DELETE /2010-04-01/Accounts/{accountSid}/Usage/Triggers/{sid}.json": {acct + "{account}/Usage/Triggers/{trigger}.json", nil, "A:a=204 A:b=404 A:s2=204 B:a=404 sub:a=404 sub:s2=404 std:a=204 main:a=204 test:a=403 anon:a=401"},
	"GET /2010-04-01/Accounts/{accountSid}/Messages/{sid}.json": {acct + "{account}/Messages/{message}.json", nil,
		"A:a=200 A:b=404 A:s2=200 B:a=404 sub:a=404 sub:s2=404 std:a=200 main:a=200 test:a=403 anon:a=401"},
	// The caller's own account is the object; a secondary token exists before each request.
	"POST /v1/AuthTokens/Secondary":   {"/v1/AuthTokens/Secondary", nil, "A=400 B=400 sub=400 std=403 main=400 test=403 anon=401"},
	"DELETE /v1/AuthTokens/Secondary": {"/v1/AuthTokens/Secondary", nil, "A=204 B=204 sub=204 std=403 main=204 test=403 anon=401"},
	"POST /v1/AuthTokens/Promote":     {"/v1/AuthTokens/Promote", nil, "A=200 B=200 sub=200 std=403 main=200 test=403 anon=401"},
}

// triggerForm is a valid usage trigger of the console's form.
var triggerForm = form("friendly_name", "Spend", "usage_category", "totalprice", "trigger_by", "price", "trigger_value", "100000",
	"recurring", "monthly", "email_team", "1", "callback_method", "POST")

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// tenant is one project with everything the matrix acts on or as.
type tenant struct {
	owner            *webtest.Owner
	browser          *webtest.Client
	sub, sub2        string // subaccount SIDs ("Shop")
	subToken         string
	key              string // a key of the master, the object of key routes
	key2             string // a key of sub2
	std, stdSecret   string
	main, mainSecret string
	testSID, testTok string
	member           string // a Developer of the project
	invitation       string // an open invitation
	card, payment    string // a card and a succeeded payment
	message          string // a message of the master
	message2         string // a message of sub2
	call, call2      string // a call of the master, one of sub2
	number, number2  string // a phone number of the master, one of sub2
	phone, phone2    string // those numbers in E.164, to send From
	trigger          string // a usage trigger of the master
	trigger2         string // one of sub2
}

type matrix struct {
	t    *testing.T
	app  *webtest.App
	a, b *tenant
}

func (m *matrix) newTenant() *tenant {
	tn := &tenant{owner: m.app.CreateOwner("USD"), browser: m.app.Client()}
	tn.browser.SignIn(tn.owner.Email, tn.owner.Password)
	m.refresh(tn)
	return tn
}

// refresh restores what allowed requests may have changed: tokens are
// re-read, closed subaccounts and deleted keys replaced, the browser
// signed in again and back on its master account, a secondary token
// present, and no 2FA enrolment pending.
func (m *matrix) refresh(tn *tenant) {
	ctx := context.Background()
	t, st, pool := m.t, m.app.Services.Accounts, m.app.Pool
	master, err := st.Get(ctx, pool, tn.owner.AccountSID, tn.owner.AccountSID)
	require.NoError(t, err)
	ensureSub := func(sid *string) {
		if *sid != "" {
			if a, err := st.Get(ctx, pool, master.SID, *sid); err == nil && a.Status == account.StatusActive {
				return
			}
			_, err := pool.Exec(ctx, `UPDATE accounts SET status = 'active' WHERE sid = $1 AND status = 'suspended'`, *sid)
			require.NoError(t, err)
			if a, err := st.Get(ctx, pool, master.SID, *sid); err == nil && a.Status == account.StatusActive {
				return
			}
		}
		tx, err := pool.Begin(ctx)
		require.NoError(t, err)
		a, _, err := st.CreateSubaccount(ctx, tx, master, "Shop", 1000)
		require.NoError(t, err)
		require.NoError(t, tx.Commit(ctx))
		*sid = a.SID
	}
	ensureSub(&tn.sub)
	ensureSub(&tn.sub2)
	ensureKey := func(owner string, sid, secret *string, typ string) {
		if *sid != "" {
			if _, err := st.GetKey(ctx, pool, master.SID, owner, *sid); err == nil {
				return
			}
		}
		acc, err := st.Get(ctx, pool, master.SID, owner)
		require.NoError(t, err)
		k, sec, err := st.CreateKey(ctx, pool, acc, "matrix", typ)
		require.NoError(t, err)
		*sid = k.SID
		if secret != nil {
			*secret = sec
		}
	}
	ensureKey(master.SID, &tn.key, nil, account.KeyStandard)
	ensureKey(tn.sub2, &tn.key2, nil, account.KeyStandard)
	ensureKey(master.SID, &tn.std, &tn.stdSecret, account.KeyStandard)
	ensureKey(master.SID, &tn.main, &tn.mainSecret, account.KeyMain)
	for _, sid := range []string{master.SID, tn.sub} {
		if _, err := st.SecondaryAuthToken(ctx, pool, master.SID, sid); err != nil {
			_, _, err := st.CreateSecondaryAuthToken(ctx, pool, master.SID, sid)
			require.NoError(t, err)
		}
	}
	tn.owner.AuthToken, err = st.AuthToken(ctx, pool, master.SID, master.SID)
	require.NoError(t, err)
	tn.subToken, err = st.AuthToken(ctx, pool, master.SID, tn.sub)
	require.NoError(t, err)
	tn.testSID, tn.testTok, err = st.TestCredentials(ctx, pool, master.SID, master.SID)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `UPDATE users SET totp_secret_enc = NULL WHERE id = $1 AND NOT totp_enabled`, tn.owner.UserID)
	require.NoError(t, err)
	tn.card, tn.payment = m.app.EnsureCardAndPayment(master.SID, tn.card, tn.payment)
	if tn.call == "" {
		tn.call = m.app.InsertCall(master.SID, master.SID)
		tn.call2 = m.app.InsertCall(master.SID, tn.sub2)
	}
	// A row before may have deleted a message.
	for _, msg := range []struct {
		sid     *string
		account string
	}{{&tn.message, master.SID}, {&tn.message2, tn.sub2}} {
		var kept bool
		require.NoError(t, pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM messages WHERE sid = $1)`, *msg.sid).Scan(&kept))
		if !kept {
			*msg.sid = m.app.InsertMessage(master.SID, msg.account)
		}
	}
	tn.number = m.app.EnsureNumber(master.SID, master.SID, tn.number)
	tn.number2 = m.app.EnsureNumber(master.SID, tn.sub2, tn.number2)
	for _, n := range []struct {
		account, sid string
		phone        *string
	}{{master.SID, tn.number, &tn.phone}, {tn.sub2, tn.number2, &tn.phone2}} {
		got, err := numbers.Get(ctx, pool, master.SID, n.account, n.sid)
		require.NoError(t, err)
		*n.phone = got.PhoneNumber
	}
	tn.trigger = m.app.EnsureTrigger(master.SID, master.SID, tn.trigger)
	tn.trigger2 = m.app.EnsureTrigger(master.SID, tn.sub2, tn.trigger2)
	if tn.member == "" {
		u, err := m.app.Services.Users.Create(ctx, pool, "dev-"+master.SID[2:12]+"@example.com", "Dev", "a developer password", "")
		require.NoError(t, err)
		tn.member = u.ID
	}
	_, err = pool.Exec(ctx, `INSERT INTO memberships (project_sid, user_id, role) VALUES ($1, $2, 'developer')
		ON CONFLICT (project_sid, user_id) DO UPDATE SET role = 'developer'`, master.SID, tn.member)
	require.NoError(t, err)
	var open bool
	require.NoError(t, pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM invitations WHERE id = $1 AND revoked_at IS NULL AND accepted_at IS NULL)`, tn.invitation).Scan(&open))
	if !open {
		tx, err := pool.Begin(ctx)
		require.NoError(t, err)
		inv, _, err := team.Invite(ctx, tx, master.SID, "invitee-"+sid.Hex32()[:8]+"@example.com", team.RoleSupport, tn.owner.UserID, time.Now())
		require.NoError(t, err)
		require.NoError(t, tx.Commit(ctx))
		tn.invitation = inv.ID
	}
	if tn.browser.Get("/").Status != http.StatusOK {
		tn.browser = m.app.Client()
		tn.browser.SignIn(tn.owner.Email, tn.owner.Password)
	}
	tn.browser.Post("/switch-to-master", nil)
}

type cell struct {
	caller, object string
	status         int
}

func parseExpect(t *testing.T, s string) []cell {
	var out []cell
	for _, f := range strings.Fields(s) {
		who, code, ok := strings.Cut(f, "=")
		require.True(t, ok, f)
		caller, object, _ := strings.Cut(who, ":")
		if object == "" {
			object = "a"
		}
		n, err := strconv.Atoi(code)
		require.NoError(t, err, f)
		out = append(out, cell{caller, object, n})
	}
	return out
}

// fill puts the object's SIDs into a path template and a form.
func (m *matrix) fill(tmpl string, object string) string {
	tn, account, sub, key, msg, call, number, phone, trig := m.a, m.a.owner.AccountSID, m.a.sub, m.a.key, m.a.message, m.a.call, m.a.number, m.a.phone, m.a.trigger
	switch object {
	case "b":
		tn = m.b
		account, sub, key, msg, call, number, phone, trig = tn.owner.AccountSID, tn.sub, tn.key, tn.message, tn.call, tn.number, tn.phone, tn.trigger
	case "s2":
		account, key, msg, call, number, phone, trig = m.a.sub2, m.a.key2, m.a.message2, m.a.call2, m.a.number2, m.a.phone2, m.a.trigger2
	case "master":
		sub = account
	}
	return strings.NewReplacer("{account}", account, "{sub}", sub, "{key}", key, "{project}", tn.owner.AccountSID,
		"{member}", tn.member, "{password}", tn.owner.Password, "{invitation}", tn.invitation, "{card}", tn.card, "{payment}", tn.payment, "{message}", msg, "{call}", call, "{number}", number, "{phone}", phone, "{trigger}", trig, "{fresh_number}", "+8150"+fmt.Sprint(10000000+rand.IntN(89999999)), "{key32}", sid.Hex32()).Replace(tmpl)
}

func (m *matrix) console(caller string, method, path string, body url.Values) *webtest.Response {
	var c *webtest.Client
	switch caller {
	case "A":
		c = m.a.browser
	case "B":
		c = m.b.browser
	case "anon":
		c = m.app.Client()
	default:
		m.t.Fatalf("unknown console caller %q", caller)
	}
	if method == http.MethodGet {
		return c.Get(path)
	}
	return c.Post(path, body)
}

func (m *matrix) api(caller, method, path string, body url.Values) *webtest.Response {
	var user, pass string
	switch caller {
	case "A":
		user, pass = m.a.owner.AccountSID, m.a.owner.AuthToken
	case "B":
		user, pass = m.b.owner.AccountSID, m.b.owner.AuthToken
	case "sub":
		user, pass = m.a.sub, m.a.subToken
	case "std":
		user, pass = m.a.std, m.a.stdSecret
	case "main":
		user, pass = m.a.main, m.a.mainSecret
	case "test":
		user, pass = m.a.testSID, m.a.testTok
	case "anon":
	default:
		m.t.Fatalf("unknown API caller %q", caller)
	}
	if method == http.MethodGet || method == http.MethodDelete {
		body = nil
	}
	return m.app.API(method, path, user, pass, body)
}

func TestTenantIsolationMatrix(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	m := &matrix{t: t, app: app}
	m.a, m.b = m.newTenant(), m.newTenant()

	var routes []string
	err := chi.Walk(app.Server.Handler().(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, method+" "+route)
		return nil
	})
	require.NoError(t, err)
	sort.Strings(routes)
	for _, r := range routes {
		_, inConsole := consoleRows[r]
		_, inAPI := apiRows[r]
		require.True(t, inConsole || inAPI, "route %q has no row in the isolation matrix", r)
	}
	require.Len(t, routes, len(consoleRows)+len(apiRows), "every row names a registered route")

	for _, r := range routes {
		method, _, _ := strings.Cut(r, " ")
		row, isAPI := apiRows[r]
		if !isAPI {
			row = consoleRows[r].request()
		}
		for _, c := range parseExpect(t, row.expect) {
			path := m.fill(row.path, c.object)
			body := url.Values{}
			for k, vs := range row.form {
				body[k] = []string{m.fill(vs[0], c.object)}
			}
			// Only a refusal is checked against the fingerprint, and only
			// these can be refusals.
			mayRefuse := c.status >= 400 || c.caller == "anon"
			var before string
			if mayRefuse {
				before = m.app.Fingerprint()
			}
			var res *webtest.Response
			if isAPI {
				res = m.api(c.caller, method, path, body)
			} else {
				res = m.console(c.caller, method, path, body)
			}
			where := fmt.Sprintf("%s as %s on %s (%s)", r, c.caller, c.object, path)
			require.Equal(t, c.status, res.Status, "%s: %.300s", where, res.Body)
			refused := c.status >= 400 || (c.caller == "anon" && res.Location() != "" && strings.HasPrefix(res.Location(), "/signin") && r != "POST /signout")
			if mayRefuse && refused && r != "POST /signin" {
				require.Equal(t, before, m.app.Fingerprint(), "%s changed data although refused", where)
			}
			if isAPI && c.status >= 400 {
				require.Contains(t, res.Body, `"code":`, where)
			}
			// A GET changes nothing to put back.
			if method != http.MethodGet {
				m.refresh(m.a)
				m.refresh(m.b)
			}
		}
	}
}
