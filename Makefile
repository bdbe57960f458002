# Build, test and run the articles stack and libotel. `make` lists the targets.
#
# Objects go to build/$(VARIANT)/: `release` (optimised) and `asan`
# (AddressSanitizer + UndefinedBehaviorSanitizer). Code generated from the
# OTLP .proto files goes to build/gen/ and is shared by both.

VARIANT ?= release
BUILD   := build
OUT     := $(BUILD)/$(VARIANT)
GEN     := $(BUILD)/gen
PREFIX  ?= /usr/local

CC      ?= cc
PKGS    := libcurl zlib libprotobuf-c jansson yaml-0.1 libmicrohttpd libpq
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
           -Wpedantic -Wno-overlength-strings
# The release variant (what make build, make run and the images ship) is
# hardened: stack protector, fortified libc calls, position-independent,
# relocations read-only after start (tests/hardening/check-hardening.sh).
CFLAGS_release := -O2 -g -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
LDFLAGS_release := -pie -Wl,-z,relro,-z,now
CFLAGS_asan    := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
                  -fno-sanitize-recover=all
# libFuzzer targets (fuzz/): clang, with ASan and UBSan.
CFLAGS_fuzz    := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
                  -fno-sanitize-recover=all
CFLAGS  := -std=c11 -D_DEFAULT_SOURCE -pthread $(CFLAGS_$(VARIANT)) \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS := -pthread $(filter -fsanitize=%,$(CFLAGS_$(VARIANT))) $(LDFLAGS_$(VARIANT))
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
# libotel's public headers: the core's, and each integration's (libotel/integrations/*/otel/).
INTEGRATIONS := mhd pq curl
PUBLIC_INCLUDE := -Ilibotel/include $(INTEGRATIONS:%=-Ilibotel/integrations/%)
# The OTLP codec (libotel/codec/otlp_codec.h): libotel's and the receivers'.
CODEC_INCLUDE := -Ilibotel/codec -I$(GEN)
INCLUDE := $(PUBLIC_INCLUDE) $(CODEC_INCLUDE) -Ilibotel/src -Ilibotel/integrations/support \
           -Iservice -Itests/support
# The applications build with libotel's public headers alone, and the
# receivers with the codec's too: no -Ilibotel/src (make lint checks their
# includes as well). Tests and benchmarks of internals keep the private path.
APP_INCLUDE := $(PUBLIC_INCLUDE) -Iservice

PROTOS      := $(wildcard libotel/proto/otlp/*.proto libotel/proto/rpc/*.proto)
PROTO_C     := $(patsubst libotel/proto/%.proto,$(GEN)/%.pb-c.c,$(PROTOS))
PROTO_H     := $(PROTO_C:.c=.h)
# The core, by concern (libotel/src/*/): libotel.a.
LIBOTEL_OBJ := $(patsubst %.c,$(OUT)/%.o,$(wildcard libotel/src/*/*.c))
LIBOTEL     := $(OUT)/libotel.a
# Each integration, an archive of its own: libotel-mhd.a, libotel-pq.a, libotel-curl.a.
INTEGRATION_LIBS := $(INTEGRATIONS:%=$(OUT)/libotel-%.a)
# The OTLP codec, an archive of its own: buffers, gzip, OTLP/JSON both ways,
# and the protobuf-c code generated from libotel/proto.
CODEC_OBJ   := $(patsubst %.c,$(OUT)/%.o,$(wildcard libotel/codec/*.c)) \
               $(patsubst $(GEN)/%.c,$(OUT)/gen/%.o,$(PROTO_C))
CODEC       := $(OUT)/libotel-codec.a
VERSION := $(shell sed -n 's/^\#define OTEL_SDK_VERSION "\(.*\)"/\1/p' libotel/include/otel/otel.h)
# The shared library: the core and the codec, exporting only what the public
# headers mark OTEL_API (hidden visibility for everything else). Its SONAME
# carries the minor version while the major is 0: each 0.x may change the ABI.
SOVERSION   := $(shell echo $(VERSION) | cut -d. -f1-2)
SHARED      := $(OUT)/libotel.so.$(VERSION)
CORE_PKGS   := libcurl zlib libprotobuf-c jansson yaml-0.1
# libotel-curl's link flags: the program's calls that make, set, reset,
# copy and free an easy handle go through libotel/integrations/curl/wrap.c,
# so that it knows each handle's header list. Its .pc file and CMake target
# carry them; here, every program that links it.
CURL_WRAP := $(foreach f,init duphandle setopt reset cleanup,-Wl,--wrap=curl_easy_$(f))
# What a program that uses libotel links, in this order: the integrations
# it uses, then the core, then the codec.
LIBOTEL_LIBS := $(LIBOTEL) $(CODEC)
ALL_LIBS     := $(INTEGRATION_LIBS) $(LIBOTEL_LIBS)

# otel-instrument and the library it preloads (libotel/instrument/): the
# core and the integrations compiled again, with hidden visibility, libpq's
# and libmicrohttpd's functions as weak references, and the initial-exec
# model for thread-locals (a preloaded library's are in the static block,
# so each is one load rather than a call to __tls_get_addr); then the
# interposers. The launcher stands alone.
INSTRUMENT_SRC := $(filter-out %/launcher.c,$(wildcard libotel/instrument/*.c)) \
                  $(wildcard libotel/src/*/*.c) \
                  $(wildcard libotel/integrations/support/*.c) \
                  $(filter-out %/wrap.c,$(wildcard $(INTEGRATIONS:%=libotel/integrations/%/*.c)))
INSTRUMENT_OBJ := $(patsubst %.c,$(OUT)/instrument/%.o,$(INSTRUMENT_SRC))
INSTRUMENT_INCLUDE := $(PUBLIC_INCLUDE) $(INTEGRATIONS:%=-Ilibotel/integrations/%) \
                      -Ilibotel/integrations/support -Ilibotel/src $(CODEC_INCLUDE) -Ilibotel/instrument
PRELOAD  := $(OUT)/libotel-instrument.so
LAUNCHER := $(OUT)/bin/otel-instrument

TEST_SUPPORT_SRC := $(wildcard tests/support/*.c)
# The tests' receiver gathers bodies as receiver/ does (service/upload.c).
TEST_SUPPORT_OBJ := $(patsubst %.c,$(OUT)/%.o,$(TEST_SUPPORT_SRC)) $(OUT)/service/upload.o
UNIT_TESTS  := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(wildcard tests/unit/test_*.c))
TEST_TOOLS  := $(patsubst tests/tools/%.c,$(OUT)/tools/%,$(wildcard tests/tools/*.c))
# Programs with no telemetry of their own, for otel-instrument's suite: the
# libraries alone; curl_multi once more against Debian's GnuTLS libcurl.
PLAIN_PROGRAMS := $(patsubst tests/plain/%.c,$(OUT)/plain/%,$(wildcard tests/plain/*.c)) \
                  $(OUT)/plain/curl_multi_gnutls
BENCHES     := $(patsubst bench/%.c,$(OUT)/bench/%,$(wildcard bench/bench_*.c))
# The bare server whose throughput make bench reports as the machine's floor.
BENCH_TOOLS := $(OUT)/bench/bare_http
EXAMPLES    := $(patsubst examples/%.c,$(OUT)/examples/%,$(wildcard examples/*.c))
FUZZERS     := $(patsubst fuzz/%.c,$(BUILD)/fuzz/fuzz/%,$(wildcard fuzz/fuzz_*.c))
# What each fuzz target tests, besides libotel.
fuzz_article_body_OBJ := articles/article service/body service/http service/workers service/json_text
fuzz_receiver_OBJ     := receiver/decode
SERVICE_OBJ := $(patsubst %.c,$(OUT)/%.o,$(wildcard service/*.c))
SERVICES    := articles notify receiver
SERVICE_BIN := $(SERVICES:%=$(OUT)/bin/%)

.PHONY: help deps build test unit-tests lint format bench bench-instructions bench-instrument soak fuzz install clean run \
        test-api verify-collector docker-up docker-down docker-logs docker-traces test-containers test-k8s \
        $(DEP_SETS:%=deps-%)
.DEFAULT_GOAL := help
.SECONDARY:

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' Makefile | awk -F ':.*## ' '{printf "  make %-17s %s\n", $$1, $$2}'

# Each target installs the Debian packages it needs, through
# scripts/install-deps.sh's sets: build (the compilers and -dev packages),
# run (build, PostgreSQL, curl, jq), test (run, and the test, lint and
# benchmark tools), containers (Podman unless Docker answers), kubernetes.
DEP_SETS := build run test containers kubernetes
$(DEP_SETS:%=deps-%):
	@scripts/install-deps.sh $(@:deps-%=%)

# DEPS picks the set make deps installs.
DEPS ?= test
deps: ## Install the Debian packages of every target (DEPS=build or run: fewer)
	@scripts/install-deps.sh $(DEPS)

build: deps-build ## Build libotel, the services and the examples (release variant)
	@$(MAKE) -s --no-print-directory VARIANT=release lib services examples

run: deps-run build ## Build and run the local stack
	@scripts/run-local.sh

test-api: deps-run ## Smoke-test a running stack (make run or docker-up): scripts/test-api.sh
	@scripts/test-api.sh

verify-collector: deps-run ## Check a running stack's telemetry end to end (DOCKER=1 for compose)
	@scripts/verify-collector.sh $(if $(DOCKER),--docker)

# The compose stack, with Docker (Compose v2) or Podman (podman-compose):
# scripts/compose.sh picks the engine, brings the services up in dependency
# order and waits until they are healthy (docs/containers.md).
docker-up: deps-containers ## Build the images and start the compose stack (Docker or Podman)
	@scripts/compose.sh up

docker-down: ## Stop the compose stack (the database volume is kept)
	@scripts/compose.sh down

docker-logs: ## Follow the compose stack's logs
	@scripts/compose.sh logs

docker-traces: deps-build ## Show the compose stack's traces as they arrive, as make run does (the collector's file output)
	@$(MAKE) -s --no-print-directory VARIANT=release services
	@$(BUILD)/release/bin/receiver view $(if $(ALL),--all) .data/collector/traces.jsonl

test-containers: deps-test deps-containers ## Build the images and run the compose stack's checks in it (Podman or Docker)
	@tests/containers/check-containers.sh

test-k8s: deps-kubernetes ## Render deploy/kubernetes's overlays and check them: the API's schemas, then the invariants (docs/kubernetes.md)
	@tests/kubernetes/check-kubernetes.sh

test: deps-test ## Run every test suite, in a release and an ASan+UBSan build
	@$(MAKE) --no-print-directory VARIANT=release unit-tests services examples
	@$(MAKE) --no-print-directory VARIANT=asan unit-tests services examples
	@$(MAKE) --no-print-directory VARIANT=fuzz CC=clang fuzzers
	@scripts/run-tests.sh $(BUILD)

# FUZZ_SECONDS per target; the corpus grows in build/fuzz/corpus/ from fuzz/seeds/.
FUZZ_SECONDS ?= 60
fuzz: deps-test ## Run each libFuzzer target for FUZZ_SECONDS (60)
	@$(MAKE) -s --no-print-directory VARIANT=fuzz CC=clang fuzzers
	@scripts/run-fuzz.sh $(BUILD)/fuzz/fuzz $(FUZZ_SECONDS)

bench: deps-test ## Benchmarks: libotel's, then the services under wrk; writes bench/results.md
	@$(MAKE) -s --no-print-directory VARIANT=release bench-bins services examples instrument
	@bench/results.sh

# SOAK_SECONDS of creates (300 in make bench; the figures of docs/hardening.md are of 1800).
soak: deps-test ## The soak alone: RSS under creates for SOAK_SECONDS, failing past SOAK_GROWTH_KB
	@$(MAKE) -s --no-print-directory VARIANT=release services
	@bench/soak.sh

bench-instrument: deps-test ## otel-instrument's cost: the plain example under it, plain, and articles' hand-written integrations, in CPU and instructions per request (about 5 minutes)
	@$(MAKE) -s --no-print-directory VARIANT=release services examples instrument
	@bench/instrument.sh

bench-instructions: deps-test ## Instructions per request in articles and per notification in notify, under callgrind (about 4 minutes)
	@$(MAKE) -s --no-print-directory VARIANT=release services
	@bench/instructions.sh

lint: deps-test ## Check formatting (clang-format), cppcheck, shellcheck, libotel's layout (modules one way, no integration in the core, applications on the public API), and the docs' links and make targets
	@clang-format --dry-run --Werror $(shell git ls-files '*.c' '*.h')
	@cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
	  --inline-suppr --suppress=missingIncludeSystem $(PUBLIC_INCLUDE) -Ilibotel/codec -Ilibotel/src \
	  -Iservice $(shell git ls-files '*.c')
	@shellcheck -x --source-path=SCRIPTDIR -S warning $(shell git ls-files '*.sh') .ci/run
	@$(MAKE) -s --no-print-directory VARIANT=release lib
	@python3 scripts/lint/module-cycles.py libotel/src $(BUILD)/release/libotel/src
	@scripts/lint/boundaries.sh .
	@python3 scripts/lint/docs.py .
	@echo "lint: clean"

format: ## Reformat the sources with clang-format
	@clang-format -i $(shell git ls-files '*.c' '*.h')

# What each integration instruments: its library's name and pkg-config
# package, and the link flags it needs.
mhd_LIBRARY  := libmicrohttpd
mhd_PACKAGE  := libmicrohttpd
pq_LIBRARY   := libpq
pq_PACKAGE   := libpq
curl_LIBRARY := libcurl
curl_PACKAGE := libcurl
curl_LINK    := $(CURL_WRAP)
install: deps-build ## Install libotel, its integrations and otel-instrument (archives, libotel.so, headers, pkg-config and CMake files) under PREFIX
	@$(MAKE) -s --no-print-directory VARIANT=release lib
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/otel
	install -m 644 $(BUILD)/release/libotel.a $(BUILD)/release/libotel-codec.a \
	  $(INTEGRATIONS:%=$(BUILD)/release/libotel-%.a) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(BUILD)/release/libotel.so.$(VERSION) $(BUILD)/release/libotel-instrument.so \
	  $(DESTDIR)$(PREFIX)/lib/
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BUILD)/release/bin/otel-instrument $(DESTDIR)$(PREFIX)/bin/
	ln -sf libotel.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libotel.so.$(SOVERSION)
	ln -sf libotel.so.$(SOVERSION) $(DESTDIR)$(PREFIX)/lib/libotel.so
	install -m 644 libotel/include/otel/*.h $(INTEGRATIONS:%=libotel/integrations/%/otel/*.h) \
	  $(DESTDIR)$(PREFIX)/include/otel/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' \
	  libotel/libotel.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/libotel.pc
	install -d $(DESTDIR)$(PREFIX)/lib/cmake/libotel
	$(foreach f,libotelConfig libotelConfigVersion,sed -e 's|@VERSION@|$(VERSION)|' -e 's|@SOVERSION@|$(SOVERSION)|' \
	  libotel/cmake/$(f).cmake.in > $(DESTDIR)$(PREFIX)/lib/cmake/libotel/$(f).cmake;)
	$(foreach i,$(INTEGRATIONS),sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' \
	  -e 's|@NAME@|$(i)|g' -e 's|@LIBRARY@|$($(i)_LIBRARY)|' -e 's|@PACKAGE@|$($(i)_PACKAGE)|' \
	  -e 's|@LINK@|$($(i)_LINK)|' \
	  libotel/integrations/integration.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/libotel-$(i).pc;)
	@# The loader's cache: refreshed when root installs into this system; else what to do.
	@if [ -n "$(DESTDIR)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && ldconfig && \
	    ldconfig -p | grep -q " => $(PREFIX)/lib/libotel.so.$(SOVERSION)$$"; then \
	  echo "install: ldconfig ran: programs find libotel.so in $(PREFIX)/lib"; \
	else \
	  echo "install: the loader does not know $(PREFIX)/lib yet: run ldconfig as root if" \
	    "/etc/ld.so.conf names it (Debian's names /usr/local/lib), else name it in a file of" \
	    "/etc/ld.so.conf.d/ first, or run programs with LD_LIBRARY_PATH=$(PREFIX)/lib"; \
	fi

clean: ## Remove build outputs
	rm -rf $(BUILD)

# --- per-variant rules (VARIANT=release|asan) ---

define link
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@
endef

.PHONY: lib services examples unit-tests bench-bins fuzzers instrument
lib: $(ALL_LIBS) $(SHARED) instrument
instrument: $(PRELOAD) $(LAUNCHER)
services: $(SERVICE_BIN)
examples: $(EXAMPLES)
unit-tests: $(UNIT_TESTS) $(TEST_TOOLS) $(PLAIN_PROGRAMS) instrument
bench-bins: $(BENCHES) $(BENCH_TOOLS)
fuzzers: $(FUZZERS)

$(GEN)/%.pb-c.c $(GEN)/%.pb-c.h: libotel/proto/%.proto
	@mkdir -p $(GEN)
	@echo "  PROTOC  $<"
	@protoc-c --proto_path=libotel/proto --c_out=$(GEN) $<

# Generated code is not ours to fix: warnings on, but not fatal.
$(OUT)/gen/%.o: $(GEN)/%.c $(PROTO_H)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -Wall -I$(GEN) -c $< -o $@

$(OUT)/articles/%.o $(OUT)/notify/%.o $(OUT)/service/%.o $(OUT)/examples/%.o: INCLUDE := $(APP_INCLUDE)
$(OUT)/receiver/%.o $(OUT)/service/upload.o: INCLUDE := $(APP_INCLUDE) $(CODEC_INCLUDE)
# The integrations too: libotel's public headers and their support/.
$(OUT)/libotel/integrations/%.o: INCLUDE := $(PUBLIC_INCLUDE) -Ilibotel/integrations/support

$(OUT)/%.o: %.c $(PROTO_H)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) $(WARN) $(INCLUDE) -MMD -MP -c $< -o $@

$(LIBOTEL): $(LIBOTEL_OBJ)
$(CODEC): $(CODEC_OBJ)
# Each integration's archive carries its own copy of support/ (no state of
# its own: see support.h), so each needs nothing but libotel's public API.
SUPPORT_OBJ := $(patsubst %.c,$(OUT)/%.o,$(wildcard libotel/integrations/support/*.c))
$(foreach i,$(INTEGRATIONS),$(eval $(OUT)/libotel-$(i).a: \
  $(patsubst %.c,$(OUT)/%.o,$(wildcard libotel/integrations/$(i)/*.c)) $(SUPPORT_OBJ)))
$(LIBOTEL) $(CODEC) $(INTEGRATION_LIBS):
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^

# Position-independent and hidden by default: the objects of libotel.so
# (the same objects go into libotel.a and libotel-codec.a).
$(LIBOTEL_OBJ) $(CODEC_OBJ): CFLAGS += -fPIC -fvisibility=hidden

$(SHARED): $(LIBOTEL_OBJ) $(CODEC_OBJ)
	@echo "  LD      $@"
	@$(CC) -shared -pthread $(filter -fsanitize=%,$(CFLAGS_$(VARIANT))) -Wl,-z,relro,-z,now \
	  -Wl,--no-undefined -Wl,-soname,libotel.so.$(SOVERSION) $^ \
	  $(shell pkg-config --libs $(CORE_PKGS) 2>/dev/null) -lm -o $@
	@ln -sf libotel.so.$(VERSION) $(OUT)/libotel.so.$(SOVERSION)
	@ln -sf libotel.so.$(SOVERSION) $(OUT)/libotel.so

$(OUT)/instrument/%.o: %.c $(PROTO_H)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -fPIC -fvisibility=hidden -ftls-model=initial-exec $(WARN) \
	  -include libotel/instrument/weak.h \
	  $(INSTRUMENT_INCLUDE) -MMD -MP -c $< -o $@

$(PRELOAD): $(INSTRUMENT_OBJ) $(CODEC_OBJ) libotel/instrument/exports.map
	@echo "  LD      $@"
	@$(CC) -shared -pthread $(filter -fsanitize=%,$(CFLAGS_$(VARIANT))) -Wl,-z,relro \
	  -Wl,--version-script=libotel/instrument/exports.map $(filter %.o,$^) \
	  $(shell pkg-config --libs $(CORE_PKGS) 2>/dev/null) -lm -o $@

$(LAUNCHER): libotel/instrument/launcher.c
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(WARN) -DOTEL_SDK_VERSION_TEXT='"$(VERSION)"' $(LDFLAGS) $< -o $@

$(OUT)/tests/%: $(OUT)/tests/unit/%.o $(TEST_SUPPORT_OBJ) $(ALL_LIBS)
	$(link)
# The services' code a unit test covers.
$(OUT)/tests/test_workers: $(OUT)/service/workers.o
$(OUT)/tests/test_json_text: $(OUT)/service/json_text.o
$(OUT)/tests/test_breaker: $(OUT)/articles/breaker.o
$(OUT)/tests/unit/test_breaker.o: INCLUDE += -Iarticles
$(OUT)/tests/test_idempotency: $(OUT)/notify/idempotency.o
$(OUT)/tests/unit/test_sql_summary.o: INCLUDE += -Ilibotel/integrations/pq
$(OUT)/tests/unit/test_idempotency.o: INCLUDE += -Inotify

# A service: its own folder's objects, the shared service/ code, libotel.
service_objs = $(patsubst %.c,$(OUT)/%.o,$(wildcard $(1)/*.c))
.SECONDEXPANSION:
$(OUT)/bin/%: $$(call service_objs,$$*) $(SERVICE_OBJ) $$(foreach i,$$($$*_INTEGRATIONS),$(OUT)/libotel-$$(i).a) $(LIBOTEL_LIBS)
	$(link)
# The integrations each service uses (service/http.c: every one serves with libmicrohttpd).
articles_INTEGRATIONS := mhd pq curl
$(OUT)/bin/articles $(OUT)/examples/curl_client $(OUT)/tools/curl_probe: LDFLAGS += $(CURL_WRAP)
notify_INTEGRATIONS   := mhd
receiver_INTEGRATIONS := mhd

$(OUT)/examples/%: $(OUT)/examples/%.o $$(foreach i,$$($$*_INTEGRATIONS),$(OUT)/libotel-$$(i).a) $(LIBOTEL_LIBS)
	$(link)
# A plain program with no telemetry of its own, for otel-instrument: the
# libraries alone.
$(OUT)/examples/plain_server: $(OUT)/examples/plain_server.o
	$(link)
# One example per integration (tests/install builds each against the installed package).
mhd_server_INTEGRATIONS  := mhd
pq_client_INTEGRATIONS   := pq
curl_client_INTEGRATIONS := curl

$(OUT)/tools/%: $(OUT)/tests/tools/%.o $(TEST_SUPPORT_OBJ) $(ALL_LIBS)
	$(link)

$(OUT)/plain/%: $(OUT)/tests/plain/%.o
	$(link)
$(OUT)/plain/curl_multi_gnutls: $(OUT)/tests/plain/curl_multi.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) $^ -l:libcurl-gnutls.so.4 -o $@

$(OUT)/bench/%: $(OUT)/bench/%.o $(ALL_LIBS)
	$(link)

$(OUT)/fuzz/%.o: INCLUDE += -Iarticles -Ireceiver -Ilibotel/integrations/pq

$(OUT)/fuzz/%: $(OUT)/fuzz/%.o $$(addsuffix .o,$$(addprefix $(OUT)/,$$($$*_OBJ))) $(ALL_LIBS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -fsanitize=fuzzer $^ $(LDLIBS) -o $@

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
