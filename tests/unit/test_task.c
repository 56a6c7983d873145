/* test_task.c: looking a task up by name across a program's NULL-terminated list of tables:
 * hits in either table, first match wins, misses and NULL arguments give NULL. */
#include <criterion/criterion.h>

#include <string.h>

#include "task.h"

static int task_a(const json_t *input, json_t **output, struct cw_error *err)
{
    (void)input;
    (void)err;
    *output = json_string("a");
    return 0;
}

static int task_b(const json_t *input, json_t **output, struct cw_error *err)
{
    (void)input;
    (void)err;
    *output = json_string("b");
    return 0;
}

static int task_c(const json_t *input, json_t **output, struct cw_error *err)
{
    (void)input;
    (void)err;
    *output = json_string("c");
    return 0;
}

static const struct cw_task first[] = {
    {"lab1.add7", task_a, "adds 7"},
    {"lab1.square", task_b, "squares"},
    {NULL, NULL, NULL},
};

static const struct cw_task second[] = {
    {"common.echo", task_c, "echoes"},
    {"lab1.add7", task_c, "shadowed by the first table"},
    {NULL, NULL, NULL},
};

static const struct cw_task empty[] = {
    {NULL, NULL, NULL},
};

static cw_task_tables tables = {first, second, NULL};

Test(task, finds_a_task_in_the_first_table)
{
    const struct cw_task *t = cw_task_find(tables, "lab1.square");
    cr_assert_eq(t, &first[1]);
    cr_assert_eq(t->fn, task_b);
    cr_assert_str_eq(t->help, "squares");
}

Test(task, finds_a_task_in_the_second_table)
{
    const struct cw_task *t = cw_task_find(tables, "common.echo");
    cr_assert_eq(t, &second[0]);
    json_t *out = NULL;
    cr_assert_eq(t->fn(NULL, &out, NULL), 0);
    cr_assert_str_eq(json_string_value(out), "c");
    json_decref(out);
}

Test(task, first_table_wins_on_a_duplicate_name)
{
    cr_assert_eq(cw_task_find(tables, "lab1.add7"), &first[0]);
}

Test(task, empty_tables_are_skipped)
{
    static cw_task_tables with_empty = {empty, second, NULL};
    cr_assert_eq(cw_task_find(with_empty, "common.echo"), &second[0]);
    cr_assert_null(cw_task_find(with_empty, "lab1.square"));
}

Test(task, missing_name_gives_null)
{
    cr_assert_null(cw_task_find(tables, "lab1.cube"));
    cr_assert_null(cw_task_find(tables, ""));
    cr_assert_null(cw_task_find(tables, "lab1"), "a prefix is not a match");
    cr_assert_null(cw_task_find(tables, "lab1.add7 "), "a longer name is not a match");
    cr_assert_null(cw_task_find(tables, "LAB1.ADD7"), "names are case-sensitive");
}

Test(task, no_tables_gives_null)
{
    static const struct cw_task *const none[] = {NULL};
    cr_assert_null(cw_task_find(none, "lab1.add7"));
}

Test(task, null_arguments_give_null)
{
    cr_assert_null(cw_task_find(NULL, "lab1.add7"));
    cr_assert_null(cw_task_find(tables, NULL));
    cr_assert_null(cw_task_find(NULL, NULL));
}
