# concur - a self-grading course in C concurrency.
#
# One non-recursive Makefile for the whole tree.  Kit code (the grader's
# library, the lessons' test suites and the harness) is built here, out of
# tree under build/, with automatic header dependencies.  Students' files are
# compiled by the harness itself, exercise by exercise, so that a file that
# does not compile costs that exercise its points and nothing else.
#
# Start with:  make help

.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
.SUFFIXES:
SHELL := /bin/bash

# ---- configuration -------------------------------------------------------
V ?= 0
ifeq ($(V),1)
  Q :=
  say = @true
else
  Q := @
  say = @printf '  %-7s %s\n'
endif

# Build on every CPU unless told otherwise (make -jN), and never while cleaning.
ifeq ($(filter -j%,$(MAKEFLAGS))$(filter clean,$(MAKECMDGOALS)),)
  MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
endif

BUILD := build
KIT := $(BUILD)/kit
CC := gcc
HOST_CFLAGS := -std=gnu11 -O2 -g -gdwarf-4 -Wall -Wextra -Werror -pthread
DEPFLAGS = -MMD -MP
# Lazily evaluated once: pkg-config only runs after the dependencies exist.
pkg = $(shell pkg-config $(1) $(2) 2>/dev/null)
CRITERION_CFLAGS = $(call pkg,--cflags,criterion)
CRITERION_LIBS = $(or $(call pkg,--libs,criterion),-lcriterion)
JANSSON_LIBS = $(or $(call pkg,--libs,jansson),-ljansson)
XML_CFLAGS = $(or $(call pkg,--cflags,libxml-2.0),-I/usr/include/libxml2)
XML_LIBS = $(or $(call pkg,--libs,libxml-2.0),-lxml2)
ARCHIVE_LIBS = $(or $(call pkg,--libs,libarchive),-larchive)

# ---- what exists ---------------------------------------------------------
LESSONS := $(patsubst grader/%/lesson.json,%,$(sort $(wildcard grader/[0-9][0-9]-*/lesson.json)))
LIB_SRC := $(wildcard grader/lib/*.c)
TEST_SRC := $(foreach l,$(LESSONS),$(wildcard grader/$(l)/test_*.c))
DRIVER_SRC := $(foreach l,$(LESSONS),$(wildcard grader/$(l)/race_*.c))
# A lesson's other grader sources (shared task code) form its liblesson.a;
# demo.c, if any, is the lesson's `make demo` program.
support_src = $(filter-out grader/$(1)/test_% grader/$(1)/race_% grader/$(1)/demo.c,$(wildcard grader/$(1)/*.c))
SUPPORT_SRC := $(foreach l,$(LESSONS),$(call support_src,$(l)))
LESSON_LIBS := $(foreach l,$(LESSONS),$(KIT)/grader/$(l)/liblesson.a)
HARNESS_SRC := $(wildcard grader/harness/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)

obj = $(patsubst %.c,$(KIT)/%.o,$(1))
LIBCT_TEST := $(KIT)/libct_test.a
LIBCT_DRIVER := $(KIT)/libct_driver.a
SENTINEL_H := $(KIT)/include/ct_sentinel.h
HARNESS := $(KIT)/concur-grade
KIT_TESTS := $(KIT)/kit-tests
PACK := $(KIT)/concur-pack
# Checks the grading platforms' reports against their documented fields (tests/platforms.sh).
PLATFORM_CHECK := $(KIT)/tests/platform-check
UNIT_BINS := $(patsubst tests/unit/%.c,$(KIT)/tests/unit/%,$(UNIT_SRC))
# The programs behind the Helgrind fixtures of the unit tests (make helgrind-fixtures).
HG_PROGRAMS := $(patsubst tests/unit/%.c,$(KIT)/tests/unit/%,$(wildcard tests/unit/helgrind_programs/*.c))
DEPS_OK := $(BUILD)/.deps-ok
KIT_ALL := $(HARNESS) $(LIBCT_TEST) $(LIBCT_DRIVER) $(call obj,$(TEST_SRC) $(DRIVER_SRC) grader/lib/ct_demo.c) $(LESSON_LIBS)
# What grading lesson $(1) needs besides the harness and the libraries: its suites, drivers and liblesson.a.
lesson_kit = $(call obj,$(wildcard grader/$(1)/test_*.c grader/$(1)/race_*.c)) $(KIT)/grader/$(1)/liblesson.a

# ---- options of check/hint/bench -----------------------------------------
LESSON ?=
EXERCISE ?=
SOLUTION ?=
SRC ?=
VERBOSE ?=
JSON ?=
CSV ?=
CONFIRM ?=
RUNS ?= 5
LOAD ?=
GRADE_OPTS = $(if $(LESSON),--lesson '$(LESSON)') $(if $(EXERCISE),--exercise '$(EXERCISE)') \
	$(if $(filter 1 yes,$(SOLUTION)),--solution) $(if $(SRC),--src '$(SRC)') \
	$(if $(filter 1 yes,$(VERBOSE)),--verbose) $(if $(JSON),--report-json '$(JSON)') \
	$(if $(CSV),--report-csv '$(CSV)') $(if $(filter 1,$(V)),--show-commands)
# How students' files are compiled is the harness's business
# (grader/harness/build.c); only the compiler is handed down.
export CONCUR_CC := $(CC)

# ---- user-facing targets -------------------------------------------------
# A line "target: ## text" documents a target for `make help`.

help: ## show this help (the default)
	@echo "concur - a self-grading course in C concurrency"
	@echo
	@echo "Usage: make TARGET [LESSON=N] [EXERCISE=name] [SOLUTION=1] [V=1]"
	@echo
	@grep -hE '^[a-z_.-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z_.-]+):.*## /  \1|/' | \
		awk -F'|' '{ if (length($$1) > 14) printf "  %s\n  %-14s %s\n", $$1, "", $$2; else printf "  %-14s %s\n", $$1, $$2 }'
	@echo
	@echo "Options: LESSON=3, 03 or 03-slug (default: all)  EXERCISE=name  SOLUTION=1 (grade the"
	@echo "         reference solutions)  SRC=dir (grade another tree laid out like exercises/)"
	@echo "         VERBOSE=1 (more detail, timelines)  JSON=file / CSV=file (write a report)  V=1 (show commands)"
	@echo "         CONFIRM=1 (make reset of a whole lesson)"
	@echo
	@echo "Start here:  make list   then   make check LESSON=1"

# make check LESSON=N builds only what lesson N needs; an unknown LESSON builds nothing
# lesson-specific and leaves the message to the harness.
LESSON_SLUG = $(firstword $(foreach l,$(LESSONS),$(if $(filter $(LESSON),$(l) $(firstword $(subst -, ,$(l))) $(patsubst 0%,%,$(firstword $(subst -, ,$(l))))),$(l))))
CHECK_LESSONS = $(if $(filter-out all,$(LESSON)),$(LESSON_SLUG),$(LESSONS))
CHECK_KIT = $(HARNESS) $(LIBCT_TEST) $(LIBCT_DRIVER) $(foreach l,$(CHECK_LESSONS),$(call lesson_kit,$(l)))

check: $(CHECK_KIT) ## grade your exercises: make check LESSON=1 [EXERCISE=spawn]
	$(Q)$(HARNESS) $(GRADE_OPTS)

SUBMISSIONS ?=
JOBS ?=
HIDDEN ?=
OUT ?= build/grades
grade: $(CHECK_KIT) ## grade a class: make grade SUBMISSIONS=dir [LESSON=N] [JOBS=k] [HIDDEN=dir] [OUT=dir]
	$(Q)if [ -z '$(SUBMISSIONS)' ]; then echo "concur: make grade SUBMISSIONS=dir: one directory, .tar.gz or .zip per student in dir" >&2; exit 2; fi
	$(Q)$(HARNESS) --class '$(SUBMISSIONS)' --out '$(OUT)' $(if $(LESSON),--lesson '$(LESSON)') \
	  $(if $(JOBS),--jobs '$(JOBS)') $(if $(HIDDEN),--hidden '$(HIDDEN)') $(if $(filter 1,$(V)),--show-commands)

list: $(HARNESS) ## list the lessons and their exercises
	$(Q)$(HARNESS) --list

hint: $(HARNESS) ## show the next hint: make hint LESSON=1 EXERCISE=spawn
	$(Q)$(HARNESS) --hint $(GRADE_OPTS)

progress: $(HARNESS) ## your status, points and last check per exercise, and what to do next
	$(Q)$(HARNESS) --progress

watch: $(CHECK_KIT) ## check again at every save: make watch LESSON=1 [EXERCISE=spawn] (Ctrl-C stops)
	$(Q)if [ -z '$(LESSON)' ]; then echo "concur: make watch LESSON=N [EXERCISE=name]" >&2; exit 2; fi
	$(Q)$(HARNESS) --watch $(GRADE_OPTS)

reset: $(HARNESS) ## put an exercise's skeleton back (yours is backed up): make reset LESSON=1 EXERCISE=spawn
	$(Q)if [ -z '$(LESSON)' ]; then echo "concur: make reset LESSON=N EXERCISE=name (or CONFIRM=1 for the whole lesson)" >&2; exit 2; fi
	$(Q)$(HARNESS) --reset --lesson '$(LESSON)' $(if $(EXERCISE),--exercise '$(EXERCISE)') \
	  $(if $(filter 1 yes,$(CONFIRM)),--all-exercises)

COVERAGE_KIT := $(KIT)/grader/lib/ct_coverage.o $(KIT)/libct_gcov.a
coverage: $(CHECK_KIT) $(COVERAGE_KIT) ## which lines and branches of your file the tests ran: make coverage LESSON=1 [EXERCISE=spawn]
	$(Q)if [ -z '$(LESSON)' ]; then echo "concur: make coverage LESSON=N [EXERCISE=name]" >&2; exit 2; fi
	$(Q)$(HARNESS) --coverage $(GRADE_OPTS)

test: $(KIT_ALL) $(UNIT_BINS) $(HG_PROGRAMS) $(KIT_TESTS) $(PACK) $(PLATFORM_CHECK) ## the kit's own tests (solutions pass, skeletons and wrong variants fail)
	$(Q)status=0; $(KIT_TESTS) --unit '$(UNIT_BINS)' $(if $(LESSON),--lesson '$(LESSON)') || status=1; \
	$(HARNESS) --check-skeletons || status=1; \
	$(if $(LESSON),,bash tests/class.sh || status=1; bash tests/platforms.sh || status=1;) exit $$status

bench: $(KIT_ALL) $(KIT_TESTS) ## median time of `make check` per lesson on the solutions (RUNS=5)
	$(Q)$(KIT_TESTS) --bench --runs $(RUNS) $(if $(LESSON),--lesson '$(LESSON)')

bench-grade: $(KIT_ALL) $(KIT_TESTS) ## how fast a class of 100 is graded, with JOBS=1 and JOBS=2 (COUNT=100)
	$(Q)COUNT=$(or $(COUNT),100) bash tests/bench_grade.sh

soak: $(KIT_ALL) $(KIT_TESTS) ## false failures of the solutions and false passes of wrong variants, RUNS times (LOAD=1: a CPU kept busy)
	$(Q)$(KIT_TESTS) --soak --runs $(RUNS) $(if $(LESSON),--lesson '$(LESSON)') $(if $(filter 1 yes,$(LOAD)),--load)

format: ## reformat the kit's C sources with clang-format
	$(Q)command -v clang-format >/dev/null || { echo "concur: make format needs clang-format:  apt-get install clang-format" >&2; exit 2; }
	$(Q)clang-format -i $(LIB_SRC) $(TEST_SRC) $(DRIVER_SRC) $(HARNESS_SRC) grader/platforms/*.c grader/*/*.h grader/lib/*.h

skeletons: $(HARNESS) ## (contributors) after changing a skeleton in exercises/: rewrite grader/skeletons.json
	$(Q)$(HARNESS) --write-skeletons
.PHONY: skeletons

clean: ## remove build/ (compiled files, reports, your progress, hints seen and reset backups)
	$(Q)rm -rf $(BUILD)

.PHONY: help check grade list hint progress watch reset coverage test bench bench-grade soak demo format clean deps

# A student release (make dist) has neither the kit's tests nor the solutions' code.
ifeq ($(wildcard tests/kit_tests.c),)
$(foreach g,test bench soak,$(if $(filter $(g),$(MAKECMDGOALS)),$(error make $(g) needs the full kit: this is \
  the student release, without the kit's own tests (tests/). make check LESSON=N grades your work)))
endif
ifeq ($(wildcard solutions/*/*.c),)
$(if $(filter demo,$(MAKECMDGOALS)),$(error make demo needs the full kit: the demos run the reference solutions, \
  which the student release does not have. make check LESSON=N grades your work))
endif

# ---- grading platforms and the student release ----------------------------
# What a student gets and what a platform's image holds: the lessons, the
# skeletons, the grader, and of solutions/ only the pristine headers (the
# harness compiles every file against them).  No solutions' code, no kit
# tests (tests/), no build/, no hidden tests (those go, when HIDDEN=dir is
# given, into the platform packages only, which students never see).
HIDDEN ?=
RELEASE_FILES = Makefile README.md .clang-format $(wildcard solutions/*/*.h) \
	$(sort $(shell find lessons exercises grader -type f ! -name '*~' ! -name '*.orig' ! -name '*.rej' ! -name '.*.sw?'))
PLATFORM_SLUG = $(or $(if $(filter-out all,$(LESSON)),$(LESSON_SLUG)),$(error make $@ packages one lesson: give \
  LESSON=N, one of $(LESSONS)))
PLATFORM_NN = $(firstword $(subst -, ,$(PLATFORM_SLUG)))
PLATFORM_DIR = $(BUILD)/platforms/$(PLATFORM_NN)
PLATFORM_HIDDEN = $(if $(HIDDEN),$(or $(wildcard $(HIDDEN)/$(PLATFORM_SLUG)/*),$(error HIDDEN=$(HIDDEN) has no \
  $(PLATFORM_SLUG)/ with the lesson's hidden suites)))
# The kit's files, its platform settings and the hidden suites, as concur-pack's entries.
PLATFORM_KIT = $(RELEASE_FILES) concur-platform.env=$(PLATFORM_DIR)/concur-platform.env \
	$(foreach f,$(PLATFORM_HIDDEN),hidden/$(PLATFORM_SLUG)/$(notdir $(f))=$(f))
define platform_env
	$(Q)mkdir -p $(PLATFORM_DIR)
	$(Q)printf '%s\n' '# Written by make $@ LESSON=$(LESSON): what the platform grades.' \
	  'CONCUR_LESSON=$(PLATFORM_SLUG)' 'CONCUR_HIDDEN=$(if $(PLATFORM_HIDDEN),hidden)' > $(PLATFORM_DIR)/concur-platform.env
endef

prepare: $(CHECK_KIT) $(PACK) ## build what make check LESSON=N needs, without grading (for a platform's image)

dist: $(PACK) ## the student release: build/concur-student.tar.gz (no solutions' code, no kit tests)
	$(say) PACK $(BUILD)/concur-student.tar.gz
	$(Q)$(PACK) create $(BUILD)/concur-student.tar.gz --prefix concur/ $(RELEASE_FILES)

gradescope: $(PACK) ## Gradescope's autograder: make gradescope LESSON=1 [HIDDEN=dir] -> build/gradescope-01.zip
	$(platform_env)
	$(say) PACK $(BUILD)/gradescope-$(PLATFORM_NN).zip
	$(Q)$(PACK) create $(BUILD)/gradescope-$(PLATFORM_NN).zip $(PLATFORM_KIT) \
	  setup.sh=grader/platforms/gradescope/setup.sh run_autograder=grader/platforms/gradescope/run_autograder

prairielearn: $(PACK) ## PrairieLearn's external grader image: make prairielearn LESSON=1 [HIDDEN=dir] -> build/prairielearn-01/
	$(platform_env)
	$(Q)rm -rf $(BUILD)/prairielearn-$(PLATFORM_NN) && mkdir -p $(BUILD)/prairielearn-$(PLATFORM_NN)
	$(say) PACK $(BUILD)/prairielearn-$(PLATFORM_NN)/concur-kit.tar.gz
	$(Q)$(PACK) create $(BUILD)/prairielearn-$(PLATFORM_NN)/concur-kit.tar.gz $(PLATFORM_KIT)
	$(Q)sed 's/@LESSON@/$(PLATFORM_SLUG)/g' grader/platforms/prairielearn/Dockerfile.in > $(BUILD)/prairielearn-$(PLATFORM_NN)/Dockerfile
	$(Q)sed 's/@LESSON@/$(PLATFORM_SLUG)/g' grader/platforms/prairielearn/info.json.in > $(BUILD)/prairielearn-$(PLATFORM_NN)/info.json

autolab: $(PACK) ## Autolab's autograder: make autolab LESSON=1 [HIDDEN=dir] -> build/autolab-01/{autograde-Makefile,autograde.tar}
	$(platform_env)
	$(Q)rm -rf $(BUILD)/autolab-$(PLATFORM_NN) && mkdir -p $(BUILD)/autolab-$(PLATFORM_NN)
	$(say) PACK $(BUILD)/autolab-$(PLATFORM_NN)/autograde.tar
	$(Q)$(PACK) create $(BUILD)/autolab-$(PLATFORM_NN)/autograde.tar $(PLATFORM_KIT)
	$(Q)cp grader/platforms/autolab/autograde-Makefile $(BUILD)/autolab-$(PLATFORM_NN)/

.PHONY: prepare dist gradescope prairielearn autolab

# ---- dependencies (Debian packages) --------------------------------------
deps: $(DEPS_OK) ## install or check the Debian packages the kit needs
$(DEPS_OK): grader/deps.sh
	$(Q)bash grader/deps.sh
	$(Q)mkdir -p $(@D) && touch $@

# ---- kit build rules -----------------------------------------------------
# A random exit status, drawn once per build tree, that only a test or a
# driver that ran to its last line produces (grader/lib/ct_test.h).
$(KIT)/sentinel: | $(DEPS_OK)
	$(say) GEN $@
	$(Q)mkdir -p $(@D)
	$(Q)n=$$(od -An -N2 -tu2 /dev/urandom | tr -d ' '); echo $$((n % 60 + 64)) > $@
$(SENTINEL_H): $(KIT)/sentinel
	$(say) GEN $@
	$(Q)mkdir -p $(@D)
	$(Q)printf '/* Generated from %s: the exit status that proves a test ran to its end. */\n#define CT_SENTINEL %d\n' \
	  $< $$(cat $<) > $@

# How each part of the kit is compiled: the rules below and compile_commands.json use these.
LIB_CFLAGS = $(HOST_CFLAGS) $(CRITERION_CFLAGS) -I$(KIT)/include -Igrader/lib
lesson_cflags = $(LIB_CFLAGS) -Isolutions/$(1)
demo_cflags = $(HOST_CFLAGS) -Igrader/lib -Igrader/$(1) -Isolutions/$(1) -I$(KIT)/include
HARNESS_CFLAGS = $(HOST_CFLAGS) $(XML_CFLAGS) -Igrader/harness -Igrader/lib
KIT_TEST_CFLAGS = $(HOST_CFLAGS) $(CRITERION_CFLAGS) $(XML_CFLAGS) -I$(KIT)/include -Igrader/lib -Igrader/harness

$(KIT)/grader/lib/%.o: grader/lib/%.c $(SENTINEL_H) | $(DEPS_OK)
	$(say) CC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LIB_CFLAGS) $(DEPFLAGS) -c $< -o $@

LIB_COMMON := $(call obj,grader/lib/ct_clock.c grader/lib/ct_timing.c grader/lib/procs.c)
$(LIBCT_TEST): $(LIB_COMMON) $(call obj,grader/lib/ct_api.c grader/lib/ct_fault.c grader/lib/ct_ipc.c grader/lib/ct_locks.c grader/lib/ct_order.c grader/lib/ct_pitfalls.c grader/lib/ct_sched.c grader/lib/ct_signals.c grader/lib/ct_test.c grader/lib/ct_timeline.c)
$(LIBCT_DRIVER): $(LIB_COMMON) $(call obj,grader/lib/ct_driver.c grader/lib/ct_driver_yield.c)
# No debug information in the drivers' mutex wrappers, so that Helgrind's stacks show no file of
# theirs and the harness names the student's line that called them (ct_driver_yield.c).
$(call obj,grader/lib/ct_driver_yield.c): HOST_CFLAGS += -g0
$(LIBCT_TEST) $(LIBCT_DRIVER):
	$(say) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

# A lesson's suites and drivers see the pristine API headers (solutions/).
$(KIT)/grader/%.o: grader/%.c $(SENTINEL_H) | $(DEPS_OK)
	$(say) CC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(call lesson_cflags,$(word 2,$(subst /, ,$<))) $(DEPFLAGS) -c $< -o $@

define lesson_lib
$(KIT)/grader/$(1)/liblesson.a: $(call obj,$(call support_src,$(1)))
	$$(say) AR $$@
	$$(Q)mkdir -p $$(@D) && rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach l,$(LESSONS),$(eval $(call lesson_lib,$(l))))

# make demo LESSON=N: grader/NN-slug/demo.c, linked with the reference solutions.
DEMO_LESSON = $(firstword $(foreach l,$(LESSONS),$(if $(filter $(LESSON),$(l) $(firstword $(subst -, ,$(l))) $(patsubst 0%,%,$(firstword $(subst -, ,$(l))))),$(l))))
DEMO_BIN = $(KIT)/demo-$(DEMO_LESSON)
# Everything a demo links is among its prerequisites, so it builds as the first
# command after a clone; the headers it includes are too, so an edit rebuilds it.
# ct_driver.o supplies concur_todo(), should a solution still have a TODO.
DEMO_OBJ := $(call obj,grader/lib/ct_clock.c grader/lib/ct_timing.c grader/lib/ct_timeline.c \
	grader/lib/ct_driver.c grader/lib/ct_demo.c)
define demo_rule
$(KIT)/demo-$(1): grader/$(1)/demo.c $(wildcard solutions/$(1)/*.c) $(KIT)/grader/$(1)/liblesson.a $(DEMO_OBJ) \
  $(wildcard grader/lib/*.h grader/$(1)/*.h solutions/$(1)/*.h) $(SENTINEL_H) | $(DEPS_OK)
	$$(say) LD $$@
	$$(Q)$$(CC) $$(call demo_cflags,$(1)) -o $$@ \
	  $$(filter %.c,$$^) $$(filter %.a,$$^) $$(filter %.o,$$^) $$(JANSSON_LIBS)
endef
$(foreach l,$(LESSONS),$(if $(wildcard grader/$(l)/demo.c),$(eval $(call demo_rule,$(l)))))

demo: $(if $(wildcard grader/$(DEMO_LESSON)/demo.c),$(DEMO_BIN)) ## run a lesson's experiment: make demo LESSON=3
	$(Q)if [ ! -f grader/$(DEMO_LESSON)/demo.c ]; then echo "concur: make demo LESSON=N, where N is one of:" \
	  $(patsubst grader/%/demo.c,%,$(wildcard grader/*/demo.c)) >&2; exit 2; fi
	$(Q)$(DEMO_BIN)

HARNESS_OBJ := $(call obj,$(HARNESS_SRC))
$(KIT)/grader/harness/%.o: grader/harness/%.c | $(DEPS_OK)
	$(say) CC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HARNESS_CFLAGS) $(DEPFLAGS) -c $< -o $@
$(HARNESS): $(HARNESS_OBJ) $(call obj,grader/lib/procs.c grader/lib/ct_timeline.c grader/lib/ct_clock.c grader/lib/ct_timing.c)
	$(say) LD $@
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $^ $(JANSSON_LIBS) $(XML_LIBS) $(ARCHIVE_LIBS) -ldl

ARCHIVE_CFLAGS = $(call pkg,--cflags,libarchive)
ARCHIVE_LIBS = $(or $(call pkg,--libs,libarchive),-larchive)
$(PACK): grader/platforms/pack.c | $(DEPS_OK)
	$(say) LD $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) $(ARCHIVE_CFLAGS) -o $@ $< $(ARCHIVE_LIBS)
$(PLATFORM_CHECK): $(KIT)/tests/platform_check.o
	$(say) LD $@
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $^ $(JANSSON_LIBS) $(XML_LIBS)

$(KIT_TESTS): $(KIT)/tests/kit_tests.o $(KIT)/tests/kit_clauses.o $(KIT)/tests/kit_variants.o $(call obj,grader/harness/lesson.c grader/harness/util.c grader/lib/procs.c)
	$(say) LD $@
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $^ $(JANSSON_LIBS)
$(KIT)/tests/%.o: tests/%.c | $(DEPS_OK)
	$(say) CC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(KIT_TEST_CFLAGS) $(DEPFLAGS) -c $< -o $@

# Unit tests of the harness and the timing library (Criterion).
UNIT_DEPS := $(filter-out $(KIT)/grader/harness/main.o,$(HARNESS_OBJ)) $(LIB_COMMON) $(call obj,grader/lib/ct_timeline.c)
$(KIT)/tests/unit/%: $(KIT)/tests/unit/%.o $(UNIT_DEPS)
	$(say) LD $@
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $^ $(CRITERION_LIBS) $(JANSSON_LIBS) $(XML_LIBS) $(ARCHIVE_LIBS) -ldl

# Unit tests of the test library itself are linked as the harness links a
# test program: libct_test.a and the harness's own link flags, one --wrap
# per call of grader/lib/ct_wraps.h (tests/print_test_ldflags.c prints them).
# They are compiled without builtins, so each call they make is the call
# they name (no printf turned into puts, no malloc and free optimised away).
PRINT_LDFLAGS := $(KIT)/tests/print-test-ldflags
$(PRINT_LDFLAGS): $(KIT)/tests/print_test_ldflags.o $(call obj,grader/harness/wrap_flags.c grader/harness/util.c)
	$(say) LD $@
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $^
# The coverage build links the kit's ct_coverage.o and this copy of libgcov,
# whose calls of the wrap table (all but fork) go to the real functions
# (grader/lib/ct_coverage.c says why).
$(KIT)/libct_gcov.a: $(PRINT_LDFLAGS)
	$(say) GEN $@
	$(Q)lib=$$($(CC) -print-file-name=libgcov.a); [ -f "$$lib" ] || { echo "concur: $(CC) has no libgcov.a" >&2; exit 2; }; \
	  flags=$$($(PRINT_LDFLAGS)) || exit 2; \
	  syms=$$(printf '%s\n' $$flags | sed -n 's/^-Wl,--wrap=//p' | grep -vx fork); [ -n "$$syms" ] || exit 2; \
	  objcopy $$(for s in $$syms; do printf -- '--redefine-sym %s=__real_%s ' "$$s" "$$s"; done) "$$lib" $@
LIB_UNIT_BINS := $(KIT)/tests/unit/test_wraps $(KIT)/tests/unit/test_testlib
$(LIB_UNIT_BINS:%=%.o): HOST_CFLAGS += -O0 -fno-builtin
$(LIB_UNIT_BINS:%=%.o): $(SENTINEL_H)
$(LIB_UNIT_BINS): %: %.o $(LIBCT_TEST) $(PRINT_LDFLAGS)
	$(say) LD $@
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $< $(LIBCT_TEST) $$($(PRINT_LDFLAGS))

# Compiled by `make test` only so that they cannot rot: their Helgrind output
# holds addresses, so the fixtures are remade on demand and committed.
$(KIT)/tests/unit/helgrind_programs/%: tests/unit/helgrind_programs/%.c | $(DEPS_OK)
	$(say) CC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) -O0 -o $@ $<

# ---- editors: compile_commands.json for clangd --------------------------
# Students' files as the harness compiles them (its flags, the pristine
# headers of solutions/ and grader/lib on the include path), and the kit's
# own sources as the rules above compile them.
cc_entry = {"directory": "$(CURDIR)", "file": "$(1)", "command": "$(strip $(CC) $(2) -c $(1) -o $(3))"},
student_entries = $(foreach l,$(LESSONS),$(foreach f,$(wildcard exercises/$(l)/*.c solutions/$(l)/*.c),\
	$(call cc_entry,$(f),$(1) -Isolutions/$(l) -Igrader/lib,$(BUILD)/editor/$(f:.c=.o))$(newline)))
kit_entries = $(foreach f,$(LIB_SRC),$(call cc_entry,$(f),$(LIB_CFLAGS),$(call obj,$(f)))$(newline)) \
	$(foreach l,$(LESSONS),$(foreach f,$(filter-out %/demo.c,$(wildcard grader/$(l)/*.c)),\
	  $(call cc_entry,$(f),$(call lesson_cflags,$(l)),$(call obj,$(f)))$(newline))) \
	$(foreach f,$(wildcard grader/*/demo.c),$(call cc_entry,$(f),$(call demo_cflags,$(word 2,$(subst /, ,$(f)))),$(KIT)/demo.o)$(newline)) \
	$(foreach f,$(HARNESS_SRC),$(call cc_entry,$(f),$(HARNESS_CFLAGS),$(call obj,$(f)))$(newline)) \
	$(foreach f,$(wildcard tests/*.c tests/unit/*.c),$(call cc_entry,$(f),$(KIT_TEST_CFLAGS),$(call obj,$(f)))$(newline)) \
	$(foreach f,$(wildcard tests/unit/helgrind_programs/*.c),$(call cc_entry,$(f),$(HOST_CFLAGS) -O0,$(call obj,$(f)))$(newline))
define newline


endef
compile_commands.json: $(HARNESS) $(SENTINEL_H) ## for clangd and other editors: how every C file here is compiled
	$(say) GEN $@
	$(file >$@.tmp,[$(newline)$(call student_entries,$(shell $(HARNESS) --print-cflags))$(kit_entries))
	$(Q)sed -i -e '/^ *$$/d' -e 's/^ *{/  {/' -e '$$ s/},$$/}/' $@.tmp && echo ']' >> $@.tmp && mv $@.tmp $@
	$(Q)echo "Wrote $@ ($$(grep -c '"file"' $@) files): clangd finds it here by itself."
.PHONY: compile_commands.json

helgrind-fixtures: ## remake tests/unit/fixtures/hgp_* from tests/unit/helgrind_programs/ under Helgrind (slow)
	$(Q)bash tests/unit/helgrind_programs/regenerate.sh
race-mode-fixtures: ## remake tests/unit/fixtures/drd_* and tsan_* from tests/unit/helgrind_programs/ (slow)
	$(Q)bash tests/unit/helgrind_programs/regenerate_race_modes.sh
.PHONY: helgrind-fixtures race-mode-fixtures

-include $(shell find $(KIT) -name '*.d' 2>/dev/null)
