#!/bin/sh
# The figures of docs/PERFORMANCE.md "Real Linux guests under QEMU": pagehint linux-hints --json on
# three guest states, RUNS times each, interleaved, one JSON report per line on stdout.
# Usage: vmm-qemu/measure-linux-hints.sh [RUNS] > runs.jsonl   (after mvn package and guest-linux/build.sh)
# SPDX-License-Identifier: Apache-2.0
set -eu
RUNS=${1:-3}
JAR=${PAGEHINT_JAR:-runtime/target/pagehint.jar}
GUEST_LINUX=${GUEST_LINUX:-guest-linux}
i=0
while [ "$i" -lt "$RUNS" ]; do
    for state in "2G churn:1536" "4G churn:3072" "2G fragment:400000"; do
        set -- $state
        java -jar "$JAR" linux-hints --guest-linux "$GUEST_LINUX" --ram "$1" --prep "$2" --json 2>/dev/null \
            | tr -d '\n' | sed "s/^{/{\"ram\":\"$1\",\"prep\":\"$2\",/"
        echo
    done
    i=$((i + 1))
done
