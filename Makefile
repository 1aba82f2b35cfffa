# Top-level entry: drives CMake (DSL, dsqlctl, tests, benchmarks) and PGXS (the
# dsql_iam extension) together. See README.md.
# scripts/lib.sh (sourced by install-extension) is bash: arrays.
SHELL := /bin/bash
BUILD ?= build
MAKEFLAGS += --no-print-directory
JOBS  ?= 2
export BUILD JOBS

.PHONY: all setup deps build extension install-extension demo check bench clean

all: build

setup:            ## install Debian packages, build everything, install the extension
	scripts/setup.sh

deps:             ## Debian packages only
	scripts/setup.sh --deps

build:            ## build without installing packages
	cmake -S . -B $(BUILD) >/dev/null
	cmake --build $(BUILD) -j$(JOBS)
	$(MAKE) -f Makefile.pgxs -j$(JOBS)

extension:
	$(MAKE) -f Makefile.pgxs -j$(JOBS)

install-extension: extension
	. scripts/lib.sh && as_root $(MAKE) -f Makefile.pgxs install

demo: setup       ## the seed flow on a throwaway local PostgreSQL 15
	scripts/demo.sh

check: setup      ## every test: Catch2, compile-fail, pg_regress, integration
	scripts/check.sh

bench: setup      ## the quick benchmarks (scripts/bench.sh --list for all)
	scripts/bench.sh

clean:
	rm -rf $(BUILD)
	$(MAKE) -f Makefile.pgxs clean
