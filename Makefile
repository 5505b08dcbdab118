# Everything a developer runs. `make test` and `make demo` work on a fresh Debian 12 machine: they install what
# is missing (Debian packages as root or through sudo, test tools into .venv) and skip what is already there.

PYTHON      := /usr/bin/python3
VENV        := .venv
VPY         := $(VENV)/bin/python
PLUGIN_LINK := build/plugins/map_server_cache
VERSION     := $(shell sed -n 's/^version=//p' metadata.txt)
DEB_PACKAGES := python3-qgis qgis qgis-providers python3-gdal python3-pil python3-numpy python3-venv \
                xvfb gdal-bin pyqt5-dev-tools qttools5-dev-tools zip
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

export QT_QPA_PLATFORM := offscreen
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: deps test test-gdal-exceptions test-debian13 test-sid mmdebstrap print-deb-packages demo bench \
        stress lint package release transup transcompile clean

deps: $(VENV)/.installed $(PLUGIN_LINK)

# Debian packages: installed only when one of them is missing.
build/.debian:
	@installed=$$(dpkg-query -W -f='$${Status}\n' $(DEB_PACKAGES) 2>/dev/null | grep -c 'install ok installed'); \
	if [ "$$installed" != "$(words $(DEB_PACKAGES))" ]; then \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEB_PACKAGES); \
	fi
	@mkdir -p build && touch $@

# Test venv on top of the system Python (which holds qgis, osgeo, numpy, PIL). numpy and Pillow stay pinned to
# the system's versions: GDAL's bindings are built against them. MapProxy 7 is installed without its
# dependency pins (it asks for Pillow>=10) and works with the system Pillow.
$(VENV)/.installed: build/.debian requirements-test.txt
	$(PYTHON) -m venv --system-site-packages $(VENV)
	$(PYTHON) -c "import numpy, PIL; print(f'numpy=={numpy.__version__}\nPillow=={PIL.__version__}')" > $(VENV)/constraints.txt
	$(VPY) -m pip install -q --disable-pip-version-check -c $(VENV)/constraints.txt -r requirements-test.txt
	$(VPY) -m pip install -q --disable-pip-version-check --no-deps mapproxy==7.0.0
	touch $@

# Tests and qgis_process import the plugin as `map_server_cache`, whatever this checkout is called.
$(PLUGIN_LINK):
	mkdir -p $(dir $@) && ln -sfn ../.. $@

test: deps
	$(VPY) -m pytest -q $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-gdal-exceptions

# The core tests that call GDAL/OGR/OSR once more with GDAL's exceptions on from the start, as QGIS 3.40+ runs
# them (the first run has the bindings' default, off before GDAL 4); spawned workers too (tests/gdal_mode).
GDAL_MODE_TESTS := $(addprefix tests/core/,test_gdal_modes.py test_selection.py test_scheme.py test_conf.py \
                     test_engine_selection.py test_error_budget.py)
test-gdal-exceptions: deps
	MAP_SERVER_CACHE_GDAL_EXCEPTIONS=1 $(VPY) -m pytest -q $(GDAL_MODE_TESTS)

# The same `make test` inside a Debian root built by mmdebstrap (cached in build/roots/<suite>, see
# .ci/debian-lane): Debian 13 (QGIS 3.40, Python 3.13) and unstable (QGIS 3.44). Prints SKIPPED and succeeds
# when the root cannot be built because a registry did not answer.
test-debian13: mmdebstrap
	.ci/debian-lane trixie

test-sid: mmdebstrap
	.ci/debian-lane sid

mmdebstrap:
	@command -v mmdebstrap >/dev/null || { \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap; \
	} || echo "could not install mmdebstrap"

print-deb-packages:
	@echo $(DEB_PACKAGES)

# ruff on everything; mypy on core/ and the QGIS adapter (what it checks: [tool.mypy] in pyproject.toml).
lint: deps
	$(VPY) -m ruff check .
	$(VPY) -m mypy

demo: deps
	$(VPY) demo/run_demo.py

bench: deps
	$(VPY) bench/run_bench.py $(BENCH_ARGS)

stress: deps
	$(VPY) -m pytest -q -m stress --run-stress tests

transup: deps
	pylupdate5 -noobsolete $$(git ls-files '*.py' | grep -v '^tests/') -ts i18n/map_server_cache_de.ts

transcompile:
	lrelease -silent i18n/*.ts

# The zip the plugin repository takes: the checkout's tracked files as they are now (a release's new metadata.txt
# too), without what only developers use, and the compiled translations.
package: transcompile
	rm -rf build/package && mkdir -p build/package/map_server_cache dist
	git ls-files -z | grep -zvE '^(tests|bench|demo|docs|\.ci)/|^(Makefile|pyproject.toml|requirements-test.txt|\.gitignore)$$' \
	  | tar --null -c -T - | tar -x -C build/package/map_server_cache
	cp i18n/*.qm build/package/map_server_cache/i18n/
	cd build/package && rm -f ../../dist/map_server_cache-$(VERSION).zip && zip -qr ../../dist/map_server_cache-$(VERSION).zip map_server_cache
	@echo dist/map_server_cache-$(VERSION).zip

# `make release VERSION=x.y.z`: x.y.z into metadata.txt once its changelog has an entry for it, then the zip.
release:
	@[ "$(origin VERSION)" = "command line" ] || { echo "usage: make release VERSION=x.y.z" >&2; exit 2; }
	$(PYTHON) .ci/set-version $(VERSION)
	$(MAKE) --no-print-directory package

# Never through a mount point: a lane's leftover bind mount of /dev or ../shared/samples would delete host files.
clean:
	@.ci/debian-lane --assert-no-mounts build dist $(VENV)
	rm -rf build dist $(VENV) i18n/*.qm
