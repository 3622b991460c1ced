# gmix: the two commands a new user runs are `make demo` and `make test`.
# Both install any missing Debian build dependency first (apt-get, only the
# packages that are missing), then configure and build with CMake.

BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
BUILD_TSAN ?= build-tsan
BUILD_MEMCHECK ?= build-memcheck
BUILD_COVERAGE ?= build-coverage
FUZZ_SECONDS ?= 60
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

# Debian packages needed to build and test. The Python package's tests
# need scikit-learn (its estimator checks and the comparison from the same
# start), pandas (the checks' pandas cases and feature names) and pip with
# setuptools (the install test).
DEPS = gcc make cmake pkg-config libopenblas-openmp-dev liblapacke-dev \
       libcjson-dev libcmocka-dev python3 python3-numpy python3-pytest \
       python3-sklearn python3-pandas python3-pip python3-setuptools \
       libopenmpi-dev openmpi-bin libcairo2-dev libfontconfig-dev \
       fonts-dejavu-core
# Extra packages for `make bench` (peers measured in the same run).
BENCH_DEPS = python3-threadpoolctl libvlfeat-dev r-cran-mclust
# Extra packages for `make fuzz` (clang's libFuzzer and sanitizer runtimes,
# and its OpenMP runtime).
FUZZ_DEPS = clang libclang-rt-14-dev libomp-dev
# For `make memcheck`.
MEMCHECK_DEPS = valgrind
# For `make coverage`.
COVERAGE_DEPS = gcovr

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps bench-deps build build-asan test test-asan demo bench \
        pictures clean fuzz-deps build-fuzz fuzz fuzz-smoke tsan memcheck \
        coverage

all: build

# Install only what dpkg says is missing.
define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' \
	    || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing missing packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call install_missing,$(DEPS))

bench-deps: deps
	$(call install_missing,$(BENCH_DEPS))

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS)
	cmake --build $(BUILD) -j $(JOBS)

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer.
build-asan: deps
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DGMIX_SANITIZE=ON \
	  -DGMIX_NATIVE=OFF $(CMAKE_ARGS)
	cmake --build $(BUILD_ASAN) -j $(JOBS)

test: build build-asan
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) -LE nosan
	$(MAKE) --no-print-directory tsan
	$(MAKE) --no-print-directory fuzz-smoke

# A short run of each fuzz target (about 10 s) when clang is present.
fuzz-smoke:
	@if command -v clang >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10; \
	else \
	  echo "clang not found: fuzz smoke run skipped"; \
	fi

fuzz-deps: deps
	$(call install_missing,$(FUZZ_DEPS))

# libFuzzer targets (tests/fuzz) with AddressSanitizer and UBSan.
build-fuzz: fuzz-deps
	CC=clang cmake -S . -B $(BUILD_FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DGMIX_FUZZ=ON -DGMIX_SANITIZE=ON -DGMIX_NATIVE=OFF -DGMIX_MPI=OFF \
	  $(CMAKE_ARGS)
	cmake --build $(BUILD_FUZZ) --target fuzz_targets -j $(JOBS)

# Every fuzz target for FUZZ_SECONDS each; fails on any report.
fuzz: build-fuzz
	sh tests/fuzz/run_fuzz.sh $(BUILD_FUZZ)/tests/fuzz $(FUZZ_SECONDS)

# The thread-safety test (several threads fitting, scoring and sampling at
# once) under ThreadSanitizer; any report fails it. Builds only that test.
tsan: deps
	cmake -S . -B $(BUILD_TSAN) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DGMIX_TSAN=ON -DGMIX_NATIVE=OFF -DGMIX_MPI=OFF $(CMAKE_ARGS)
	cmake --build $(BUILD_TSAN) --target core_thread_safety -j $(JOBS)
	cd $(BUILD_TSAN) && TSAN_OPTIONS=halt_on_error=1:exitcode=66 \
	  ctest --output-on-failure -R core_thread_safety

# The C test suites under valgrind's memcheck: any error or leak (definite,
# indirect or possible) fails. Each C test program runs through valgrind
# (CMake's test launcher); the tests that drive Python, the CLI through
# Python, MPI or the install are left out. tests/memcheck/valgrind.supp
# holds the few third-party suppressions, each explained. Built without
# -march=native (valgrind does not know every vector extension) and with
# the tests' reduced problem sizes, as for the sanitizers.
MEMCHECK_VALGRIND = valgrind;--error-exitcode=99;--leak-check=full;--show-leak-kinds=definite,indirect,possible;--errors-for-leak-kinds=definite,indirect,possible;--suppressions=$(CURDIR)/tests/memcheck/valgrind.supp;--quiet
memcheck: deps
	$(call install_missing,$(MEMCHECK_DEPS))
	cmake -S . -B $(BUILD_MEMCHECK) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DGMIX_NATIVE=OFF -DGMIX_MPI=OFF -DCMAKE_C_FLAGS=-DTU_SANITIZED=1 \
	  -DGMIX_TEST_TIMEOUT=3600 \
	  "-DCMAKE_CROSSCOMPILING_EMULATOR=$(MEMCHECK_VALGRIND)" $(CMAKE_ARGS)
	cmake --build $(BUILD_MEMCHECK) -j $(JOBS)
	cd $(BUILD_MEMCHECK) && OMP_NUM_THREADS=2 ctest --output-on-failure \
	  --timeout 3600 -j $(JOBS) -E '^(cli_|python_|mpi_|install)'

# Line and branch coverage of src/ and cli/ by the whole suite (gcc's
# --coverage, unoptimised so lines map to code; summarised by gcovr, with
# a per-file table in build-coverage/coverage.txt). The install test is
# left out: it builds a program against the installed library, which
# covers nothing more. README lists what is deliberately not covered.
coverage: deps
	$(call install_missing,$(COVERAGE_DEPS))
	cmake -S . -B $(BUILD_COVERAGE) -DCMAKE_BUILD_TYPE=Debug -DGMIX_NATIVE=OFF \
	  -DCMAKE_C_FLAGS=--coverage -DCMAKE_EXE_LINKER_FLAGS=--coverage \
	  -DCMAKE_SHARED_LINKER_FLAGS=--coverage $(CMAKE_ARGS)
	cmake --build $(BUILD_COVERAGE) -j $(JOBS)
	find $(BUILD_COVERAGE) -name '*.gcda' -delete
	@cd $(BUILD_COVERAGE) && ctest --output-on-failure -j $(JOBS) -E '^install$$'; \
	  rc=$$?; cd $(CURDIR) && \
	  gcovr -r . --object-directory $(BUILD_COVERAGE) --filter 'src/' \
	    --filter 'cli/' --exclude-unreachable-branches \
	    --txt $(BUILD_COVERAGE)/coverage.txt --print-summary && \
	  if [ $$rc -ne 0 ]; then echo "coverage: some tests failed (above)"; fi; \
	  exit $$rc

test-asan: build-asan
	cd $(BUILD_ASAN) && ctest --output-on-failure -j $(JOBS) -LE nosan

demo: build
	@if [ -x $(BUILD)/cli/gmix ]; then \
	  sh examples/demo.sh $(BUILD)/cli/gmix; \
	else \
	  $(BUILD)/examples/fit_faithful examples/faithful.csv; \
	fi

# The pictures README.md shows, drawn by `gmix plot` into docs/ (committed):
# Old Faithful's model over its density, and the BIC of iris against K.
GMIX_BIN = $(BUILD)/cli/gmix
pictures: build
	mkdir -p docs
	$(GMIX_BIN) fit examples/faithful.csv -k 2 --seed 1 -o $(BUILD)/faithful.json
	$(GMIX_BIN) plot $(BUILD)/faithful.json examples/faithful.csv --density \
	  -o docs/faithful-density.png
	$(GMIX_BIN) select examples/iris.csv --seed 1 --table $(BUILD)/iris-select.csv
	$(GMIX_BIN) plot --bic $(BUILD)/iris-select.csv --title \
	  "iris: BIC of each covariance type against K" -o docs/iris-bic.png

bench: bench-deps build
	cmake --build $(BUILD) --target bench -j $(JOBS)
	cd $(BUILD) && $(MAKE) -s run-bench

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ) $(BUILD_TSAN) $(BUILD_MEMCHECK) \
	  $(BUILD_COVERAGE)
