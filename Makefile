# landlock-supervisor: top-level commands.  See README.md.
#
#   make run    build what is missing, run the main job in the patched kernel
#   make check  build what is missing, run every test; ends "N passed, N failed"
#
# Other targets: deps kernel headers series refresh clean distclean

SHELL := /bin/bash
B := build

.PHONY: all deps kernel headers series refresh run check clean distclean

all: kernel

deps:
	@bash scripts/deps.sh

kernel: deps
	@bash kernel/scripts/kernel.sh build

headers: deps
	@bash kernel/scripts/kernel.sh headers

# Exports the series as git format-patch files into build/series.
series: deps
	@bash kernel/scripts/kernel.sh series

# Folds edits made in build/linux back into kernel/ (PATCH=name to choose,
# FILES='path ...' to fold only those files).
refresh:
	@bash kernel/scripts/kernel.sh refresh $(PATCH) $(FILES)

# make run [CMD='program args']
run: deps
	@bash scripts/run.sh $(if $(CMD),-- $(CMD))

check:
	@bash tests/check.sh

clean:
	rm -rf $(B)/uml-run $(B)/check $(B)/kselftest $(B)/series $(B)/user

distclean:
	rm -rf $(B)
