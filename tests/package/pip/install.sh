#!/bin/sh
# The wheel in a new virtual environment, run where the wheel, report.py and the logs are: the
# package's pip test, and the README's pip example.
set -eu
python3 -m venv venv
venv/bin/pip install casreport-*.whl
venv/bin/python report.py --month 2025-06 --lang en sample.ndjson
