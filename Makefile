# Two commands set everything up: `make lab` and `make test` create .venv on first use;
# `make site` builds the course as a static reading site (open site/_build/html/index.html).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8888
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
BROWSER_FLAG := $(if $(NO_BROWSER),--no-browser,)

.PHONY: lab test build validate bench lint site clean-course hub hub-proxy class-hub class-hub-env

$(BIN)/autograder: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

## JupyterLab on the course, with nbgrader's extension (PORT=8888, NO_BROWSER=1 to not open a browser)
lab: $(BIN)/autograder
	$(BIN)/jupyter lab --port=$(PORT) $(BROWSER_FLAG) $(ROOT_FLAG) --notebook-dir=. $(LAB_ARGS)

## JupyterHub for a class on this machine: an instructor and demo students, nbgrader's
## exchange (HUB_PORT=8000; accounts and passwords in hub/jupyterhub_config.py)
HUB_PORT ?= 8000
HUB_PROXY := .hub/node_modules/.bin/configurable-http-proxy
hub: $(BIN)/jupyterhub $(HUB_PROXY)
	HUB_PORT=$(HUB_PORT) $(BIN)/jupyterhub -f hub/jupyterhub_config.py

# JupyterHub comes with the `test` extra too; `make hub` alone needs only the `hub` one.
$(BIN)/jupyterhub: | $(BIN)/autograder
	$(BIN)/python -m pip install --quiet -e ".[hub]"

## The hub's proxy, from npm into .hub/ (not a global install); the hub test calls this
hub-proxy: $(HUB_PROXY)
$(HUB_PROXY):
	npm install --prefix .hub --no-save --no-audit --no-fund --loglevel=error \
		configurable-http-proxy@5

## JupyterHub for a real class: system users, PAM, per-user limits (as root, after
## `hub/class_admin.py setup`; README, "A real class on one machine")
CLASS_HUB_DATA ?= /srv/course-hub
USERS_ENV ?= /opt/course-hub/users-venv
class-hub: $(BIN)/jupyterhub $(HUB_PROXY) $(USERS_ENV)/bin/jupyterhub-singleuser
	CLASS_HUB_DATA=$(CLASS_HUB_DATA) CLASS_HUB_ENV=$(USERS_ENV) HUB_PORT=$(HUB_PORT) \
		$(BIN)/jupyterhub -f hub/class_config.py

## The users' Python environment for `make class-hub`, from the system's Python, outside
## this checkout (USERS_ENV=... for another place): every user can run it, wherever the
## checkout and the hub's own environment live (a home folder only root enters), and it
## holds no editable link to this checkout
class-hub-env: $(USERS_ENV)/bin/jupyterhub-singleuser
$(USERS_ENV)/bin/jupyterhub-singleuser: pyproject.toml $(shell find autograder -name '*.py' -o -name '*.j2' -o -name '*.css')
	/usr/bin/python3 -m venv $(USERS_ENV)
	$(USERS_ENV)/bin/python -m pip install --quiet ".[hub]"
	touch $@

## The whole test suite (two workers, one BLAS thread each: two cores, no oversubscription),
## ending with its 20 slowest tests
test: $(BIN)/autograder
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
	$(BIN)/python -m pytest -n 2 --dist loadgroup --durations=20 $(PYTEST_ARGS)

## Regenerate release/ (student edition) and solutions/ (executed answer key)
build: $(BIN)/autograder
	$(BIN)/autograder build

## Sources pass their grade cells; student editions fail them with NotImplementedError
validate: $(BIN)/autograder
	$(BIN)/autograder validate

## Speed of the reference implementations and of grading, as ratios against baselines
bench: $(BIN)/autograder
	$(BIN)/python -m benchmarks

lint: $(BIN)/autograder
	$(BIN)/ruff check autograder tests benchmarks hub

## A static reading site (executed answer keys, explorers; math offline) in site/_build/html
site: $(BIN)/autograder
	$(BIN)/sphinx-build -b html site site/_build/html

## Remove local course data (submissions, grades, feedback): asks first
clean-course:
	@echo "This deletes submitted/, autograded/, feedback/, gradebook.db, autograder_grades.csv, grading-log.jsonl and report/."
	@read -p "Type yes to continue: " answer && [ "$$answer" = yes ]
	rm -rf submitted autograded feedback gradebook.db autograder_grades.csv grading-log.jsonl report
