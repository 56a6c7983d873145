#!/usr/bin/env bash
# lab1_hello.sh: `lab1-bench hello` end to end on local workers: the workshop's three
# hello-world results, the chunked word count against `wc -w`, the files it writes, and
# its errors on bad command lines.
. "$(dirname "$0")/lib.sh"
L="$BUILD/bin/lab1-bench"
STORE="file://$WORK/store"
OUT="$WORK/out/lab1-bench"
TEXT=data/hello/sample.txt

run hello "$L" hello --text "$TEXT" --chunk-size 4096 --out "$OUT" --store "$STORE" --workers 2
check "hello exits 0" equals 0 "$(status_of hello)"
check "call_async of x+7 on 3 gives 10" has "$WORK/hello.out" "call_async(add7, 3) = 10"
check "map of x+7 over 0..9 gives 7..16" has "$WORK/hello.out" "map(add7, 0..9) = [7,8,9,10,11,12,13,14,15,16]"
check "map_reduce sum of x+7 over 1..4 gives 38" has "$WORK/hello.out" "map_reduce(add7, [1, 2, 3, 4], sum) = 38"
words=$(LC_ALL=C wc -w < "$TEXT" | tr -d ' ')
bytes=$(wc -c < "$TEXT" | tr -d ' ')
tasks=$(( (bytes + 4095) / 4096 ))
check "word count matches wc -w" has "$WORK/hello.out" "word count of $TEXT: $words words ($tasks tasks of 4096 bytes)"
check "hello.json has the word count" equals "$words" "$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["wordcount"]["words"])' "$OUT/hello.json")"
check "hello.json has the map" equals "[7, 8, 9, 10, 11, 12, 13, 14, 15, 16]" "$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["map"])' "$OUT/hello.json")"
check "per-task CSV has one row per task" line_count "$OUT/hello-wordcount.csv" $((tasks + 1))
check "every word count task succeeded" equals "$tasks" "$(grep -c ',lab1.wordcount,ok,' "$OUT/hello-wordcount.csv")"
check "timeline PNG is an 800x450 PNG" equals "800x450" "$(/usr/bin/python3 -c '
import struct,sys
d=open(sys.argv[1],"rb").read(24)
assert d[:8]==b"\x89PNG\r\n\x1a\n"
print("%dx%d" % struct.unpack(">II", d[16:24]))' "$OUT/hello-timeline.png")"
check "timeline SVG is SVG" has "$OUT/hello-timeline.svg" "<svg"
check "lab page shows the results" has "$OUT/index.html" "<code>[7,8,9,10,11,12,13,14,15,16]</code>"
check "lab page shows the figure" has "$OUT/index.html" '<img src="hello-timeline.png"'
check "site index links the lab page" has "$WORK/out/index.html" '<a href="lab1-bench/index.html">'
check "the text was stored" equals "$bytes" "$(wc -c < "$WORK/store/lab1-hello/sample.txt" | tr -d ' ')"

# The partitioner counts every word once wherever the ranges fall.
mkdir -p "$WORK/texts"
printf 'one two three\nfour five\n\nsix   seven\teight\n' > "$WORK/texts/plain.txt"
printf 'no trailing newline here at all' > "$WORK/texts/nonl.txt"
printf '\n\n\n  leading blank lines\n  and indents  \n' > "$WORK/texts/blank.txt"
printf 'crlf line one\r\ncrlf line two\r\n' > "$WORK/texts/crlf.txt"
printf '   \n\t\n  \n' > "$WORK/texts/spaces.txt"
: > "$WORK/texts/empty.txt"
head -c 20000 "$TEXT" | tr '\n' ' ' > "$WORK/texts/oneline.txt"
for f in plain nonl blank crlf spaces empty oneline; do
  want=$(LC_ALL=C wc -w < "$WORK/texts/$f.txt" | tr -d ' ')
  for chunk in 1 3 7 64 1000000; do
    run wc "$L" hello --text "$WORK/texts/$f.txt" --chunk-size $chunk --out "$WORK/wc" --store "$STORE" --workers 2
    check "$f.txt in $chunk-byte chunks counts $want words" has "$WORK/wc.out" "$f.txt: $want words"
  done
done

# Bad command lines.
run nosub "$L"
check "no subcommand prints usage" has "$WORK/nosub.err" "usage: lab1-bench COMMAND [options]"
check "no subcommand exits 2" equals 2 "$(status_of nosub)"
run help "$L" hello --help
check "hello --help exits 0" equals 0 "$(status_of help)"
check "hello --help describes it" has "$WORK/help.out" "usage: lab1-bench hello [options]"
run zero "$L" hello --chunk-size 0 --out "$WORK/x"
check "--chunk-size 0 is refused" equals "lab1-bench hello: --chunk-size must be at least 1, got 0 (see lab1-bench hello --help)" "$(cat "$WORK/zero.err")"
check "--chunk-size 0 exits 2" equals 2 "$(status_of zero)"
run notnum "$L" hello --chunk-size ten
check "a non-numeric --chunk-size exits 2" equals 2 "$(status_of notnum)"
run notext "$L" hello --text "$WORK/absent.txt"
check "a missing text names the file" equals "lab1-bench hello: --text $WORK/absent.txt: No such file or directory (see lab1-bench hello --help)" "$(cat "$WORK/notext.err")"
run extra "$L" hello surplus
check "a stray argument exits 2" equals 2 "$(status_of extra)"
touch "$WORK/afile"
run badout "$L" hello --out "$WORK/afile/sub" --store "$STORE" --workers 1
check "an unwritable --out exits 1" equals 1 "$(status_of badout)"
check "an unwritable --out names the directory" has "$WORK/badout.err" "cannot create directory $WORK/afile/sub"
run badstore "$L" hello --text "$TEXT" --out "$WORK/o2" --store "file://$WORK/afile" --workers 1
check "a store that cannot be opened fails the word count" has "$WORK/badstore.err" "$WORK/afile"
check "a store that cannot be opened exits 1" equals 1 "$(status_of badstore)"

finish
