# gmix: the two commands a new user runs are `make demo` and `make test`.
# Both install any missing Debian build dependency first (apt-get, only the
# packages that are missing), then configure and build with CMake.

BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
BUILD_TSAN ?= build-tsan
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
       libopenmpi-dev openmpi-bin
# Extra packages for `make bench` (peers measured in the same run).
BENCH_DEPS = python3-threadpoolctl libvlfeat-dev r-cran-mclust
# Extra packages for `make fuzz` (clang's libFuzzer and sanitizer runtimes,
# and its OpenMP runtime).
FUZZ_DEPS = clang libclang-rt-14-dev libomp-dev

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps bench-deps build build-asan test test-asan demo bench clean \
        fuzz-deps build-fuzz fuzz fuzz-smoke tsan

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

test-asan: build-asan
	cd $(BUILD_ASAN) && ctest --output-on-failure -j $(JOBS) -LE nosan

demo: build
	@if [ -x $(BUILD)/cli/gmix ]; then \
	  sh examples/demo.sh $(BUILD)/cli/gmix; \
	else \
	  $(BUILD)/examples/fit_faithful examples/faithful.csv; \
	fi

bench: bench-deps build
	cmake --build $(BUILD) --target bench -j $(JOBS)
	cd $(BUILD) && $(MAKE) -s run-bench

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ) $(BUILD_TSAN)
