# stepbook - build, test, fuzz, bench.  `make help` lists the targets.

# ---- settings --------------------------------------------------------------
PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= cc
SANITIZE ?=
TSAN     ?=
VERSION  := 0.1.0

# src/ holds one folder per layer, in pipeline order (tests/layers.sh checks it)
LAYERS   := base load jsonata model validate run check render cli
PKGS     := libcmark-gfm yaml-0.1 libcjson libgvc libcgraph libmicrohttpd libpcre2-8 zlib
# libmicrohttpd is opened by serve when it starts (src/render/serve_mhd.h):
# its header is compiled against, the library is not linked.
LINKED   := $(filter-out libmicrohttpd,$(PKGS))
CWARNS   := -Wall -Wextra -Werror -Wshadow -Wconversion -Wstrict-prototypes \
            -Wmissing-prototypes -Wwrite-strings -Wno-sign-conversion
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE $(CWARNS) $(CFLAGS) -MMD -MP \
             $(addprefix -Isrc/,$(LAYERS)) $(shell pkg-config --cflags $(PKGS)) \
             -DSTEPBOOK_VERSION='"$(VERSION)"' \
             -DSTEPBOOK_DATADIR='"$(PREFIX)/share/stepbook"'
LIBS      = $(shell pkg-config --libs $(LINKED)) -lcmark-gfm-extensions -lcrypto -lm -lpthread -ldl
CHECK_LIBS = $(shell pkg-config --libs check)

# Graphviz 2.43 formats SVG with snprintf; diagram_gv.c has faster functions
# (gvprintdouble, gvprintf) that write the same bytes, checked against that version only.
GV_VERSION := $(shell pkg-config --modversion libgvc)
ifneq ($(filter 2.43.%,$(GV_VERSION)),)
ALL_CFLAGS += -DSTEPBOOK_FAST_GV_NUMBERS
endif

ifeq ($(SANITIZE),1)
BUILD    := build/san
# Sanitized code runs several times slower: stretch the tests' time bounds.
TEST_ENV := CK_TIMEOUT_MULTIPLIER=5
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=address,undefined
else ifeq ($(TSAN),1)
# ThreadSanitizer: only serve has threads (libmicrohttpd's, one per
# connection, beside the main thread that rebuilds), so only its suite runs,
# with a load test; the first race reported fails the test.  io_sync=0:
# the test's own socket reads do not count as synchronisation between
# serve's threads (they never synchronise through sockets), so a race shows
# without depending on timing.
BUILD    := build/tsan
TEST_ENV := CK_TIMEOUT_MULTIPLIER=10 CK_RUN_SUITE=serve \
            TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:io_sync=0
ALL_CFLAGS += -fsanitize=thread -fno-omit-frame-pointer
LDFLAGS  += -fsanitize=thread
else
BUILD    := build/rel
endif
SANITIZED := $(filter 1,$(SANITIZE) $(TSAN))

# ---- objects of libstepbook.a, one per line, by layer ----------------------
# base: libc only
LIB_OBJS += base/buf.o
LIB_OBJS += base/diag.o
LIB_OBJS += base/fileio.o
LIB_OBJS += base/strmap.o
LIB_OBJS += base/xalloc.o
LIB_OBJS += base/jsonmem.o
LIB_OBJS += base/jsonout.o
# base: escaping, time, randomness
LIB_OBJS += base/escape.o
LIB_OBJS += base/rng.o
LIB_OBJS += base/clock.o
LIB_OBJS += base/timestamp.o

# load: bytes -> located values
LIB_OBJS += load/doc.o
LIB_OBJS += load/doc_json.o
LIB_OBJS += load/doc_scalar.o
LIB_OBJS += load/doc_yaml.o
# load: state machines from files
LIB_OBJS += load/loader.o
LIB_OBJS += load/loader_cfn.o
LIB_OBJS += load/loader_intrinsic.o
LIB_OBJS += load/loader_sls.o

# load: course and markdown
LIB_OBJS += load/jsobject.o
LIB_OBJS += load/snippet.o
LIB_OBJS += load/steps.o
LIB_OBJS += load/course.o
LIB_OBJS += load/markdown.o

# jsonata: the JSONata engine (base layer and cJSON only; regexes by PCRE2)
LIB_OBJS += jsonata/jsonata.o
LIB_OBJS += jsonata/jsonata_eval.o
LIB_OBJS += jsonata/jsonata_fns.o
LIB_OBJS += jsonata/jsonata_fns_aws.o
LIB_OBJS += jsonata/jsonata_fns_picture.o
LIB_OBJS += jsonata/jsonata_gc.o
LIB_OBJS += jsonata/jsonata_json.o
LIB_OBJS += jsonata/jsonata_parse.o
LIB_OBJS += jsonata/jsonata_regex.o
LIB_OBJS += jsonata/jsonata_sig.o
LIB_OBJS += jsonata/jsonata_value.o
# jsonata: picture strings and number text (jsonata_picture.h)
LIB_OBJS += jsonata/jsonata_picture_date.o
LIB_OBJS += jsonata/jsonata_picture_integer.o
LIB_OBJS += jsonata/jsonata_picture_jsnum.o
LIB_OBJS += jsonata/jsonata_picture_number.o
LIB_OBJS += jsonata/jsonata_picture_parse.o
LIB_OBJS += jsonata/jsonata_picture_read.o
LIB_OBJS += jsonata/jsonata_picture_text.o

# model: paths, intrinsics, payload templates
LIB_OBJS += model/intrinsic_fns.o
LIB_OBJS += model/intrinsic_parse.o
LIB_OBJS += model/jsonpath_eval.o
LIB_OBJS += model/jsonpath_parse.o
LIB_OBJS += model/jsonpath_ref.o
LIB_OBJS += model/payload.o

# model: the ASL model
LIB_OBJS += model/asl.o
LIB_OBJS += model/asl_build.o
LIB_OBJS += model/asl_expr.o
LIB_OBJS += model/asl_quick.o

# validate
LIB_OBJS += validate/suggest.o
LIB_OBJS += validate/validate.o
LIB_OBJS += validate/validate_choice.o
LIB_OBJS += validate/validate_exprs.o
LIB_OBJS += validate/validate_fields.o
LIB_OBJS += validate/validate_graph.o
LIB_OBJS += validate/validate_jsonata.o
LIB_OBJS += validate/validate_jsonata_scan.o
LIB_OBJS += validate/validate_states.o

# run: the interpreter
LIB_OBJS += run/mock.o
LIB_OBJS += run/dataflow.o
LIB_OBJS += run/dataflow_jsonpath.o
LIB_OBJS += run/dataflow_jsonata.o
LIB_OBJS += run/exec.o
LIB_OBJS += run/exec_choice.o
LIB_OBJS += run/exec_frame.o
LIB_OBJS += run/exec_history.o
LIB_OBJS += run/exec_inspect.o
LIB_OBJS += run/exec_test.o
LIB_OBJS += run/teststate.o
LIB_OBJS += run/exec_parallel.o
LIB_OBJS += run/exec_sched.o
LIB_OBJS += run/exec_distmap.o
LIB_OBJS += run/exec_distmap_run.o
LIB_OBJS += run/exec_task.o
LIB_OBJS += run/exec_time.o

# run: Distributed Map item readers and result writer over a local S3 folder
LIB_OBJS += run/itemreader.o
LIB_OBJS += run/itemreader_csv.o
LIB_OBJS += run/itemreader_json.o
LIB_OBJS += run/itemreader_list.o
LIB_OBJS += run/itemreader_manifest.o
LIB_OBJS += run/itemreader_write.o

# run: the simulated AWS account behind check
LIB_OBJS += run/account.o

# check: the CI gate
LIB_OBJS += check/gate.o
LIB_OBJS += check/gate_exec.o
LIB_OBJS += check/gate_excerpt.o
LIB_OBJS += check/jsoncmp.o

# render: diagrams
LIB_OBJS += render/diagram.o
LIB_OBJS += render/diagram_gv.o
LIB_OBJS += render/diagram_run.o

# render: site and reports
LIB_OBJS += render/highlight.o
LIB_OBJS += render/html.o
LIB_OBJS += render/search.o
LIB_OBJS += render/site.o
LIB_OBJS += render/site_block.o
LIB_OBJS += render/site_check.o
LIB_OBJS += render/site_page.o
LIB_OBJS += render/site_panel.o
LIB_OBJS += render/site_pool.o
LIB_OBJS += render/site_rebuild.o
LIB_OBJS += render/site_step.o
LIB_OBJS += render/site_svg.o
LIB_OBJS += render/stepdiff.o
LIB_OBJS += render/tmpl.o
LIB_OBJS += render/report.o
LIB_OBJS += render/report_check.o
LIB_OBJS += render/serve.o
LIB_OBJS += render/serve_http.o
LIB_OBJS += render/serve_mhd.o
LIB_OBJS += render/serve_watch.o

# cli
CLI_OBJS += cli/cmd_build.o
CLI_OBJS += cli/cmd_check.o
CLI_OBJS += cli/cmd_diagram.o
CLI_OBJS += cli/cmd_eval.o
CLI_OBJS += cli/cmd_run.o
CLI_OBJS += cli/cmd_serve.o
CLI_OBJS += cli/cmd_test_state.o
CLI_OBJS += cli/cmd_validate.o
CLI_OBJS += cli/main.o

LIB      := $(BUILD)/libstepbook.a
LIB_O    := $(addprefix $(BUILD)/src/,$(LIB_OBJS))
CLI_O    := $(addprefix $(BUILD)/src/,$(CLI_OBJS))
TEST_SRC := $(sort $(wildcard tests/unit/check_*.c))
TEST_O   := $(patsubst %.c,$(BUILD)/%.o,$(TEST_SRC)) $(BUILD)/tests/unit/main.o \
            $(BUILD)/tests/unit/helpers.o
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))

.PHONY: all deps check test check-browser fuzz fuzz-run fuzz-replay bench layers doc install clean help course stepbook
all: stepbook

help:
	@echo 'make deps       install missing Debian packages (apt-get)'
	@echo 'make            build ./stepbook'
	@echo 'make check      build and run the whole test suite (SANITIZE=1: ASan+UBSan; BROWSER=0: no browser test)'
	@echo '                TSAN=1: the serve suite and its load test under ThreadSanitizer'
	@echo 'make check-browser  build the course and open every page in headless Chromium'
	@echo 'make fuzz       build the libFuzzer targets with clang (fuzz-run runs each)'
	@echo 'make bench      benchmarks against the peers'
	@echo 'make layers     check that headers respect the layer order'
	@echo 'make doc        draw doc/layers.svg (the layers and their includes) with Graphviz'
	@echo 'make course     build the bundled course into site/'
	@echo 'make install    install binary, templates and man page (PREFIX, DESTDIR)'

# ---- dependencies ----------------------------------------------------------
DEB_PKGS := libcmark-gfm-dev libcmark-gfm-extensions-dev libyaml-dev \
            libcjson-dev libgraphviz-dev libssl-dev libmicrohttpd-dev libpcre2-dev \
            zlib1g-dev check \
            pkg-config
deps:
	@missing=$$(for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing; \
	fi

# ---- build -----------------------------------------------------------------
# ./stepbook is the release build; a sanitized one stays in build/san or build/tsan.
stepbook: $(BUILD)/stepbook
	@if [ -z "$(SANITIZED)" ]; then cp $< $@; fi

$(BUILD)/stepbook: $(CLI_O) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_O) $(LIB) $(LIBS)

$(LIB): $(LIB_O)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Suites are found by name, not through a header: no prototypes to demand.
$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

-include $(LIB_O:.o=.d) $(CLI_O:.o=.d) $(TEST_O:.o=.d)

# ---- tests -----------------------------------------------------------------
# Under ASan+UBSan everything runs several times slower: the time bounds of
# the hostile-input tests scale with CK_TIMEOUT_MULTIPLIER.
# Every tests/unit/check_*.c defines 'Suite *NAME_suite(void)'; one runner
# runs them all, so CI sees a single Check summary line.
$(BUILD)/tests/unit/suites.h: $(TEST_SRC)
	@mkdir -p $(dir $@)
	@sed -n 's/^Suite \*\([a-z0-9_]*\)_suite(void).*/SUITE(\1)/p' $(TEST_SRC) > $@.tmp
	@mv $@.tmp $@

$(BUILD)/tests/unit/main.o: tests/unit/main.c $(BUILD)/tests/unit/suites.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -I$(BUILD)/tests/unit -c -o $@ $<

$(BUILD)/check_stepbook: $(TEST_O) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(TEST_O) $(LIB) $(LIBS) $(CHECK_LIBS)

# The browser test runs first so that Check's summary is the closing line.
test check: deps
	@$(MAKE) --no-print-directory stepbook $(BUILD)/check_stepbook
	@sh tests/layers.sh
	@sh tests/compile_once.sh
	@sh tests/course_test_state.sh $(BUILD)/stepbook
	@$(MAKE) --no-print-directory fuzz-replay
	@if [ "$(BROWSER)" = 1 ] && [ -z "$(SANITIZED)" ]; then \
	  $(MAKE) --no-print-directory check-browser; fi
	$(TEST_ENV) STEPBOOK=$(CURDIR)/$(BUILD)/stepbook SHARED=$(CURDIR)/../shared \
	  CK_DEFAULT_TIMEOUT=60 $(BUILD)/check_stepbook

# The browser tests (about 20 s): Debian's chromium driven by playwright-core,
# the built site over file://, the site fixture (alerts, long names, the step
# pager, the data-flow panels), then `stepbook serve` live reload.  What is
# missing is installed, and only that: chromium when absent, Node.js and npm
# only when node is absent (tests/install-missing.sh).  Screenshots land in
# tests/browser/screenshots.
BROWSER ?= 1
check-browser: stepbook
	@sh tests/install-missing.sh browser
	@[ -d tests/browser/node_modules/playwright-core ] || \
	  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
	@rm -rf build/browser-site build/browser-fixture
	./stepbook build course -o build/browser-site --quiet
	./stepbook build tests/cases/site/course -o build/browser-fixture --quiet
	node tests/browser/site.test.mjs build/browser-site tests/browser/screenshots
	node tests/browser/fixture.test.mjs build/browser-fixture tests/browser/screenshots
	node tests/browser/dataflow.test.mjs build/browser-fixture tests/browser/screenshots
	node tests/browser/serve.test.mjs ./stepbook course

# ---- fuzzing (clang + libFuzzer) -------------------------------------------
# make check links every target with a plain driver and replays its seeds
# (the crashes campaigns found are among them): a target that stopped
# compiling, or an old crash come back, fails the gate.
FUZZ_REPLAY := $(patsubst fuzz/%.c,$(BUILD)/replay/%,$(FUZZ_SRC))
$(BUILD)/replay/%: fuzz/%.c $(BUILD)/tests/fuzz_replay.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $< $(BUILD)/tests/fuzz_replay.o $(LIB) $(LIBS)
# kept: make would delete it as an intermediate of the first target
.SECONDARY: $(BUILD)/tests/fuzz_replay.o
fuzz-replay: $(FUZZ_REPLAY)
	@for f in $(patsubst fuzz/%.c,%,$(FUZZ_SRC)); do \
	  printf 'fuzz seeds %-22s ' $$f; \
	  $(BUILD)/replay/$$f fuzz/seeds/$$f || exit 1; \
	done

FUZZ_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -g -O1 $(addprefix -Isrc/,$(LAYERS)) \
              $(shell pkg-config --cflags $(PKGS)) \
              -fsanitize=fuzzer-no-link,address,undefined \
              -DSTEPBOOK_VERSION='"fuzz"' -DSTEPBOOK_DATADIR='"."'
FUZZ_LIB_O := $(addprefix build/fuzz/src/,$(LIB_OBJS))
build/fuzz/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<
build/fuzz/libstepbook.a: $(FUZZ_LIB_O)
	@rm -f $@
	ar rcs $@ $^
build/fuzz/%: fuzz/%.c build/fuzz/libstepbook.a
	clang $(FUZZ_CFLAGS) -MMD -MP -fsanitize=fuzzer -o $@ $< build/fuzz/libstepbook.a $(LIBS)
# a changed header rebuilds what includes it (as for the tool)
-include $(FUZZ_LIB_O:.o=.d) $(patsubst fuzz/%.c,build/fuzz/%.d,$(FUZZ_SRC))
fuzz: $(patsubst fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
FUZZ_SECONDS ?= 300
fuzz-run: fuzz
	@for f in $(patsubst fuzz/%.c,%,$(FUZZ_SRC)); do \
	  mkdir -p build/fuzz/corpus-$$f; \
	  echo "== $$f ($(FUZZ_SECONDS)s)"; \
	  build/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -timeout=5 -rss_limit_mb=2048 \
	    -artifact_prefix=build/fuzz/findings- \
	    build/fuzz/corpus-$$f fuzz/seeds/$$f || exit 1; \
	done

# ---- benchmarks, layers, install -------------------------------------------
bench: stepbook
	@sh bench/run.sh

layers:
	@sh tests/layers.sh

# doc/layers.svg: the folders of src/ on the ranks tests/layers.sh gives
# them and the includes between them, laid out by the Graphviz library
# stepbook links already (no `dot` program needed); make check does not
# depend on it.
doc: doc/layers.svg

doc/layers.svg: doc/layers_dot.sh tests/layers.sh $(BUILD)/layers_svg \
		$(wildcard src/*/*.c src/*/*.h)
	sh doc/layers_dot.sh | $(BUILD)/layers_svg > $@.tmp && mv $@.tmp $@

$(BUILD)/layers_svg: doc/layers_svg.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(shell pkg-config --libs libgvc)

# The main job: the bundled course as a website in site/.
course: deps
	@$(MAKE) --no-print-directory stepbook
	./stepbook build course -o site

install: stepbook
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/stepbook/templates \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 stepbook $(DESTDIR)$(PREFIX)/bin/stepbook
	cp -R templates/. $(DESTDIR)$(PREFIX)/share/stepbook/templates/
	install -m 644 doc/stepbook.1 $(DESTDIR)$(PREFIX)/share/man/man1/stepbook.1

clean:
	rm -rf build stepbook
