# The console's tasks. `make help` lists them.
GO        ?= go
DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/console?sslmode=disable
export DATABASE_URL

.PHONY: help run demo build test fuzz generate lint bench screenshots

help: ## list the tasks
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run: ## start everything: database created if missing, migrations, server up, URL printed
	$(GO) run ./cmd/console serve

demo: ## seed a demo project with 90 days of history (sign in as demo@example.com / console-demo)
	$(GO) run ./cmd/console demo

build: ## build bin/console
	$(GO) build -o bin/console ./cmd/console

# The console's package is the longest: named first, it starts first. Three
# packages at once keep both cores busy while tests wait on PostgreSQL and Chromium.
test: ## run every test (unit, PostgreSQL, Chromium) with -race
	$(GO) test -race -count=1 -p 3 -timeout 12m ./internal/console/ ./...

FUZZTIME ?= 30s

fuzz: ## run each fuzz target for FUZZTIME (30s); their seed corpora run in make test
	@set -e; for dir in $$(grep -rl --include='*_test.go' '^func Fuzz' internal cmd 2>/dev/null | xargs -n1 dirname | sort -u); do \
		for target in $$($(GO) test -list '^Fuzz' ./$$dir | grep '^Fuzz'); do \
			echo "== ./$$dir $$target"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) ./$$dir; \
		done; \
	done

generate: ## regenerate templ components
	$(GO) tool templ generate

lint: ## vet, gofmt check, generated files up to date
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@$(GO) tool templ generate >/dev/null 2>&1 && git diff --exit-code -- '*_templ.go' >/dev/null || { echo "templ files are stale: run make generate"; exit 1; }

bench: ## measure the hot paths against this machine's own limits
	$(GO) run ./cmd/bench

# A folder on the command line: DIR=path (or OUT=path). Not part of make test.
screenshots: ## save every page (en, ja; 1400 and 390 px) as PNGs to DIR=path, signed in as the demo owner (after make demo)
	@dir="$(or $(DIR),$(OUT))"; if [ -z "$$dir" ]; then echo "usage: make screenshots DIR=path (after make demo)"; exit 2; fi; \
	mkdir -p "$$dir" && SCREENSHOTS_DIR="$$(cd "$$dir" && pwd)" $(GO) test -count=1 -run '^TestScreenshots$$' -timeout 20m -v ./internal/screenshots/
