#!/bin/sh
# A C program built with pkg-config alone: the package's pkg-config test, and the README's
# pkg-config example.
set -eu
cc -std=c99 -o minimal minimal.c $(pkg-config --cflags --libs casreport)
