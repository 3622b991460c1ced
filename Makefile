# gmix: the two commands a new user runs are `make demo` and `make test`.
# Both install any missing Debian build dependency first (apt-get, only the
# packages that are missing), then configure and build with CMake.

BUILD      ?= build
BUILD_ASAN ?= build-asan
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

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps bench-deps build build-asan test test-asan demo bench \
        pictures clean

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
	rm -rf $(BUILD) $(BUILD_ASAN)
