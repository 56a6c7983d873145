/* tasks.c: lab1-bench's task table, the functions its workers (local or Lambda) can run. */
#include "lab1.h"

const struct cw_task lab1_tasks[] = {
    {"lab1.add7", lab1_add7, "x + 7 for a number x"},
    {"lab1.sum", lab1_sum, "sum of an array of numbers"},
    {"lab1.wordcount", lab1_wordcount, "words in the lines that start in a byte range of an object"},
    {"lab1.wordcount_sum", lab1_wordcount_sum, "total of an array of {\"words\": n}"},
    {NULL, NULL, NULL},
};
