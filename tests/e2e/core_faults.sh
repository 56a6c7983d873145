#!/usr/bin/env bash
# core_faults.sh: the fan-out core end to end on local workers, through faultprog, a
# program whose task crashes, hangs, exits, errs or answers garbage on request. Every
# failure must be reported as what it is, with every other result intact.
. "$(dirname "$0")/lib.sh"
P="$BUILD/tests/e2e/faultprog"
export CWREN_RETRY_SLEEPS=0.05

run ok "$P" map '[{"value":1},{"value":2},{"value":3},{"value":4},{"value":5}]' --workers 2
check "map returns results in input order" equals "0 ok attempt=1 2.0
1 ok attempt=1 4.0
2 ok attempt=1 6.0
3 ok attempt=1 8.0
4 ok attempt=1 10.0" "$(cat "$WORK/ok.out")"
check "a clean map exits 0" equals 0 "$(status_of ok)"

mixed='[{"value":1},{"value":2,"do":"crash"},{"value":3,"do":"error"},{"value":4,"do":"exit"},
        {"value":5,"do":"garbage"},{"value":6,"do":"hang"},{"value":7}]'
run mixed "$P" map "$mixed" --workers 3 --retries 0 --timeout 1.5
out="$WORK/mixed.out"
check "crash is reported with its signal" has "$out" "1 failed attempt=1 crash: worker local-"
check "crash names SIGSEGV" has "$out" "killed by signal 11 (Segmentation fault)"
check "task error is reported as a task error" has "$out" "2 failed attempt=1 task error: asked to fail on value 3"
check "exit is reported with its status" has "$out" "exited with status 3"
check "garbage response is reported as a protocol error" has "$out" "4 failed attempt=1 protocol: worker local-"
check "garbage response quotes the body" has "$out" "sent an invalid response: '[' or '{' expected near '%' (body: '%%% this is not json {{{')"
check "hang is reported as a timeout" has "$out" "5 failed attempt=1 timeout: timed out after 1.5 s"
check "other results are intact" has "$out" "0 ok attempt=1 2.0"
check "last result is intact" has "$out" "6 ok attempt=1 14.0"
check "failures exit non-zero" equals 1 "$(status_of mixed)"
check "failure summary names the input" has "$WORK/mixed.err" 'failed: input 1 (task test.behave, attempt 1, input {"value":2,"do":"crash"})'
check "summary counts every failure" equals 5 "$(grep -c '^failed: input' "$WORK/mixed.err")"

run retry "$P" map "[{\"value\":1,\"do\":\"crash_once\",\"marker\":\"$WORK/marker\"},{\"value\":2}]" --workers 2 --retries 1
check "a crash is retried and then succeeds" has "$WORK/retry.out" "0 ok attempt=2 2.0"
check "the retry is logged" has "$WORK/retry.err" "retrying (attempt 2 of 2)"
check "a run whose retry succeeded exits 0" equals 0 "$(status_of retry)"

run noretry "$P" map '[{"value":1,"do":"error"}]' --workers 1 --retries 3
check "task errors are not retried" has "$WORK/noretry.out" "0 failed attempt=1 task error"

run twice "$P" map '[{"value":1,"do":"crash"}]' --workers 1 --retries 2
check "a crash that keeps crashing uses every attempt" has "$WORK/twice.out" "0 failed attempt=3 crash"

run chunked "$P" map '[1,2,3,4,5,6,7]' --task test.noop --chunk 3 --reduce test.sum --workers 2 --records "$WORK/chunked.csv"
check "chunked map keeps order" equals "0 ok attempt=1 1
1 ok attempt=1 2
2 ok attempt=1 3
3 ok attempt=1 4
4 ok attempt=1 5
5 ok attempt=1 6
6 ok attempt=1 7
reduce: 0 ok attempt=1 28.0" "$(cat "$WORK/chunked.out")"
check "records CSV has a header and one row per input" line_count "$WORK/chunked.csv" 8
check "records CSV header" equals "index,task,status,attempt,worker,host_submit,worker_start,worker_end,result_received,worker_setup,error" "$(head -1 "$WORK/chunked.csv")"
check "records CSV rows are ok" equals 7 "$(grep -c ',test.noop,ok,1,local-' "$WORK/chunked.csv")"

run chunkcrash "$P" map '[{"value":1},{"value":2,"do":"crash"},{"value":3}]' --chunk 3 --workers 1 --retries 1
check "a crashed chunk is retried input by input" has "$WORK/chunkcrash.out" "0 ok attempt=2 2.0"
check "the crash is pinned on its own input" has "$WORK/chunkcrash.out" "1 failed attempt=2 crash"
check "the rest of the chunk succeeds" has "$WORK/chunkcrash.out" "2 ok attempt=2 6.0"

run badreduce "$P" map '[{"value":1},{"value":2,"do":"error"}]' --reduce test.sum --workers 2
check "a failed map input fails the reduce" has "$WORK/badreduce.out" "reduce: 0 failed attempt=0 task error: map input 1 failed: asked to fail on value 2"

run wait "$P" wait --workers 2 --rounds 50
check "ALWAYS returns at once, ANY after the fast call" has "$WORK/wait.out" "always=0 any=1 fast=done slow=pending"
check "ALL waits for both" has "$WORK/wait.out" "all=2"
check "call_async round trips are timed" has "$WORK/wait.out" "call_async round trip: median"

FAULTPROG_BROKEN_WORKER=1 run broken "$P" map '[{"value":1}]' --workers 1
check "workers that cannot start fail the run" has "$WORK/broken.out" "0 failed attempt=1 crash: workers cannot start"
check "the init error is reported" has "$WORK/broken.out" "last init error: faultprog was told it is broken"

run unknown "$P" map '[1]' --task test.nope --workers 1
check "an unknown task is refused" has "$WORK/unknown.err" "unknown task 'test.nope'"

# Bad command lines: one line on stderr, exit status 2.
run badopt "$P" map '[1]' --frobnicate
check "unknown option exits 2" equals 2 "$(status_of badopt)"
check "unknown option names it" equals "faultprog map: unknown option '--frobnicate' (see faultprog map --help)" "$(cat "$WORK/badopt.err")"
run badworkers "$P" map '[1]' --workers many
check "bad --workers exits 2" equals 2 "$(status_of badworkers)"
check "bad --workers says what is expected" has "$WORK/badworkers.err" "--workers: invalid value 'many' for workers (expected a whole number from 1 to 10000)"
run missing "$P" map '[1]' --workers
check "a missing value exits 2" has "$WORK/missing.err" "--workers needs a value"
CWREN_TIMEOUT=-3 run badenv "$P" map '[1]'
check "a bad environment value names the variable" has "$WORK/badenv.err" "CWREN_TIMEOUT: invalid value '-3' for timeout"
printf 'workers = 2\nretries = lots\n' > "$WORK/bad.conf"
CWREN_CONFIG_FILE="$WORK/bad.conf" run badconf "$P" map '[1]'
check "a bad config line names file and line" has "$WORK/badconf.err" "config file $WORK/bad.conf line 2: invalid value 'lots' for retries"
check "a bad config exits 2" equals 2 "$(status_of badconf)"
printf 'workers = 1\nretries = 0\n' > "$WORK/good.conf"
CWREN_CONFIG_FILE="$WORK/good.conf" run goodconf "$P" map '[{"value":1,"do":"crash"}]'
check "config file settings apply (retries = 0)" has "$WORK/goodconf.out" "0 failed attempt=1 crash"
CWREN_CONFIG_FILE="$WORK/good.conf" CWREN_RETRIES=1 run envwins "$P" map '[{"value":1,"do":"crash"}]'
check "environment beats the config file" has "$WORK/envwins.out" "0 failed attempt=2 crash"
CWREN_CONFIG_FILE="$WORK/good.conf" CWREN_RETRIES=1 run flagwins "$P" map '[{"value":1,"do":"crash"}]' --retries 0
check "flags beat the environment" has "$WORK/flagwins.out" "0 failed attempt=1 crash"
run nolambda "$P" map '[1]' --backend lambda
check "a backend this build lacks is refused" has "$WORK/nolambda.err" "backend 'lambda' is not available in this build"
check "a missing backend exits 1" equals 1 "$(status_of nolambda)"
run badbackend "$P" map '[1]' --backend cloud
check "an unknown backend exits 2" equals 2 "$(status_of badbackend)"
check "an unknown backend lists the choices" has "$WORK/badbackend.err" "invalid value 'cloud' for backend (expected local or lambda)"
run nocmd "$P"
check "no command prints usage and exits 2" equals 2 "$(status_of nocmd)"
check "usage lists commands" has "$WORK/nocmd.err" "usage: faultprog COMMAND [options]"
run badcmd "$P" frob
check "unknown command exits 2" equals "faultprog: unknown command 'frob' (see faultprog --help)" "$(cat "$WORK/badcmd.err")"
run help "$P" map --help
check "--help exits 0" equals 0 "$(status_of help)"
check "--help lists run options" has "$WORK/help.out" "--workers VALUE"

finish
