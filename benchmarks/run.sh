#!/usr/bin/env bash
# Side-by-side benchmarks: rawtcp against Netty (epoll, NIO) and a C epoll echo server.
# Builds rawtcp-core and this module with Maven (tests skipped), then runs the harness
# (dev.rawtcp.benchmarks.Harness), which compiles the C load generator and echo server with
# gcc, starts each server pinned with taskset, and prints Markdown tables.
#
#   benchmarks/run.sh            # full run: 3 rounds, ~15 minutes
#   benchmarks/run.sh --quick    # smoke test: 1 short round
#   benchmarks/run.sh --help     # every option
#
# The servers run on the JDK Maven runs on: set JAVA_HOME to a JDK 21+ to give the
# thread-per-connection servers virtual threads.
set -euo pipefail
cd "$(dirname "$0")/.."
# 10,000 idle connections need more than 10,000 descriptors in the load generator and the server.
ulimit -n "$(ulimit -Hn)"
exec mvn -B -q -pl benchmarks -am -Pbench package -DskipTests -Dbench.args="$*"
