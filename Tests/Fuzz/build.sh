#!/bin/sh
# Builds the libFuzzer targets (swiftc -sanitize=fuzzer,address) into .build-fuzz/bin/fuzz-<name>
# without SwiftPM, so the package's normal builds are untouched.
#
#   Tests/Fuzz/build.sh            build every target (incremental: only what changed)
#   Tests/Fuzz/build.sh json form  build these targets only
#   Tests/Fuzz/build.sh --list     print the target names
#
# HooklineCore (and HooklineSigning, for the config) are built once as instrumented modules.
# Every target is one module made of its file in Tests/Fuzz/targets, FuzzSupport.swift and only
# the sources of the parser it exercises, so the parser's internal types are reachable without
# @testable. Each artifact is rebuilt only when one of its inputs (or this script) is newer.
set -eu
cd "$(dirname "$0")/../.."

OUT=${FUZZ_BUILD_DIR:-.build-fuzz}
SWIFTC=${SWIFTC:-swiftc}
FLAGS="-sanitize=fuzzer,address -O -g -swift-version 6 -parse-as-library -wmo -use-ld=lld"
TARGETS="form request template json config headers target"

if [ "${1:-}" = "--list" ]; then
    echo "$TARGETS"
    exit 0
fi

mkdir -p "$OUT/modules" "$OUT/obj" "$OUT/bin"

# stale OUTPUT INPUT... — true when OUTPUT is missing or older than an input or this script.
stale() {
    output=$1
    shift
    [ ! -e "$output" ] && return 0
    [ -n "$(find "$@" Tests/Fuzz/build.sh -newer "$output" 2>/dev/null | head -n 1)" ]
}

# module NAME SOURCE... — an instrumented library module: .build-fuzz/{modules,obj}/NAME.*
module() {
    name=$1
    shift
    if stale "$OUT/obj/$name.o" "$@"; then
        echo "fuzz build: module $name"
        "$SWIFTC" $FLAGS -module-name "$name" -I "$OUT/modules" -emit-module \
            -emit-module-path "$OUT/modules/$name.swiftmodule" -c -o "$OUT/obj/$name.o" "$@"
    fi
}

# target NAME INPUT... — the fuzzer executable .build-fuzz/bin/fuzz-NAME from its target file,
# FuzzSupport.swift and the given sources, objects and linker flags.
target() {
    name=$1
    shift
    inputs=""
    for input in "$@"; do
        case $input in -*) ;; *) inputs="$inputs $input" ;; esac
    done
    # shellcheck disable=SC2086 # $inputs is a list of paths without spaces
    if stale "$OUT/bin/fuzz-$name" Tests/Fuzz/FuzzSupport.swift "Tests/Fuzz/targets/$name.swift" $inputs; then
        echo "fuzz build: target $name"
        # The module is only emitted so the driver does not leave it in the working directory.
        "$SWIFTC" $FLAGS -module-name "Fuzz_$name" -I "$OUT/modules" \
            -emit-executable -emit-module-path "$OUT/obj/Fuzz_$name.swiftmodule" Tests/Fuzz/FuzzSupport.swift "Tests/Fuzz/targets/$name.swift" "$@" -o "$OUT/bin/fuzz-$name"
    fi
}

CORE="$OUT/obj/HooklineCore.o"
SIGNING="$OUT/obj/HooklineSigning.o"

build() {
    case $1 in
    form) target form Sources/HooklineCGI/FormData.swift ;;
    request)
        target request Sources/HooklineCGI/Request.swift Sources/HooklineCGI/FormData.swift \
            Sources/HooklineCGI/HTTPMethod.swift Sources/HooklineCGI/Response.swift "$CORE"
        ;;
    template) target template Sources/HooklineTemplates/*.swift "$CORE" ;;
    json) target json Sources/HooklineStore/JSONValue.swift ;;
    config)
        module HooklineSigning Sources/HooklineSigning/*.swift
        # Database.swift for StoreError, which FileIO throws; SQLDialect.swift for DatabaseLocation;
        # the two connections because Database names them.
        target config Sources/HooklineStore/Configuration.swift Sources/HooklineStore/Database.swift \
            Sources/HooklineStore/SQLDialect.swift Sources/HooklineStore/SQLiteConnection.swift \
            Sources/HooklineStore/PostgreSQLConnection.swift \
            "$CORE" "$SIGNING" -I Sources/CSQLite -lsqlite3
        ;;
    headers) target headers Sources/HooklineSigning/*.swift "$CORE" ;;
    target) target target "$CORE" ;;
    *)
        echo "unknown fuzz target: $1 (targets: $TARGETS)" >&2
        exit 2
        ;;
    esac
}

module HooklineCore Sources/HooklineCore/*.swift
for name in ${*:-$TARGETS}; do
    build "$name"
done
