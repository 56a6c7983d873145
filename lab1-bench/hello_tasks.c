/* hello_tasks.c: the tasks of the hello world: x + 7, sums, and a word count over a byte
 * range of a stored text. A range owns the lines that start inside it, so ranges cut
 * anywhere still count every word exactly once (the pywren partitioner's rule). */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lab1.h"
#include "store.h"

int lab1_add7(const json_t *input, json_t **output, struct cw_error *err)
{
    if (json_is_integer(input)) {
        *output = json_integer(json_integer_value(input) + 7);
        return 0;
    }
    if (json_is_number(input)) {
        *output = json_real(json_number_value(input) + 7);
        return 0;
    }
    return cw_error_set(err, CW_EINVAL, "add7 needs a number");
}

int lab1_sum(const json_t *input, json_t **output, struct cw_error *err)
{
    if (!json_is_array(input))
        return cw_error_set(err, CW_EINVAL, "sum needs an array of numbers");
    json_int_t total = 0;
    double real_total = 0;
    int any_real = 0;
    size_t i;
    json_t *v;
    json_array_foreach(input, i, v)
    {
        if (!json_is_number(v))
            return cw_error_set(err, CW_EINVAL, "sum: element %zu is not a number", i);
        any_real |= json_is_real(v);
        total += json_is_integer(v) ? json_integer_value(v) : 0;
        real_total += json_number_value(v);
    }
    *output = any_real ? json_real(real_total) : json_integer(total);
    return 0;
}

int lab1_wordcount_sum(const json_t *input, json_t **output, struct cw_error *err)
{
    if (!json_is_array(input))
        return cw_error_set(err, CW_EINVAL, "wordcount_sum needs an array of results");
    json_int_t total = 0;
    size_t i;
    json_t *v;
    json_array_foreach(input, i, v)
    {
        json_t *words = json_object_get(v, "words");
        if (!json_is_integer(words))
            return cw_error_set(err, CW_EINVAL, "wordcount_sum: result %zu has no \"words\"", i);
        total += json_integer_value(words);
    }
    *output = json_pack("{s:I}", "words", total);
    return 0;
}

/* Word counting state carried across the blocks of one range. */
struct counter {
    uint64_t pos;  /* offset of the next byte */
    uint64_t end;  /* lines starting at or after this offset belong to the next range */
    int skipping;  /* still inside the line that began before the range */
    int in_word;
    int finished;
    json_int_t words;
};

static int count_block(void *ctx, const void *data, size_t len)
{
    struct counter *c = ctx;
    const unsigned char *p = data;
    for (size_t i = 0; i < len && !c->finished; i++, c->pos++) {
        int line_end = p[i] == '\n';
        if (!c->skipping) {
            int space = isspace(p[i]);
            if (!space && !c->in_word)
                c->words++;
            c->in_word = !space;
        }
        if (line_end) {
            c->skipping = 0;
            c->finished = c->pos + 1 >= c->end; /* the next line is not ours */
        }
    }
    return 0;
}

static int count_range(struct cw_store *store, const char *key, uint64_t start, uint64_t end,
                       json_int_t *words, struct cw_error *err)
{
    uint64_t size;
    int rc = cw_store_size(store, key, &size, err);
    if (rc < 0)
        return rc;
    struct counter c = {0};
    /* Start one byte early: if that byte ends a line, the range starts on a fresh line. */
    c.pos = start > 0 ? start - 1 : 0;
    c.skipping = start > 0;
    c.end = end;
    c.finished = start >= end;
    rc = cw_store_get_range(store, key, c.pos, end - c.pos, count_block, &c, err);
    /* The last line may run past the range: read on until it ends. */
    while (rc == 0 && !c.finished && c.pos < size)
        rc = cw_store_get_range(store, key, c.pos, 64 * 1024, count_block, &c, err);
    *words = c.words;
    return rc;
}

int lab1_wordcount(const json_t *input, json_t **output, struct cw_error *err)
{
    const char *url = json_string_value(json_object_get(input, "store"));
    const char *key = json_string_value(json_object_get(input, "key"));
    json_t *start = json_object_get(input, "start"), *end = json_object_get(input, "end");
    if (!url || !key || !json_is_integer(start) || !json_is_integer(end) ||
        json_integer_value(start) < 0 || json_integer_value(end) < json_integer_value(start))
        return cw_error_set(err, CW_EINVAL,
                            "wordcount needs {store, key, start, end} with 0 <= start <= end");
    struct cw_store *store = cw_store_open(url, err);
    if (!store)
        return err->code;
    json_int_t words = 0;
    int rc = count_range(store, key, (uint64_t)json_integer_value(start),
                         (uint64_t)json_integer_value(end), &words, err);
    cw_store_close(store);
    if (rc < 0)
        return rc;
    *output = json_pack("{s:I}", "words", words);
    return 0;
}
