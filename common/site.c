/* site.c: writing the lab pages and the index that links them. The index is rebuilt
 * from what is on disk, so labs can be run in any order and any number of times. */
#include "site.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const page_style =
    "body{font-family:'DejaVu Sans',sans-serif;margin:2em auto;max-width:1100px;"
    "color:#222;padding:0 1em}"
    "h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.6em}"
    "table{border-collapse:collapse;margin:.6em 0}"
    "td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}"
    "th{background:#f2f2f2}td.l,th.l{text-align:left}"
    "img{max-width:100%;border:1px solid #eee;margin:.4em 0}"
    "code,pre{background:#f6f6f6;padding:.1em .3em}"
    ".ok{color:#2a7a2a}.bad{color:#b22}";

int cw_make_dirs(const char *path, struct cw_error *err)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) < 0 && errno != EEXIST)
            return cw_error_set(err, CW_EIO, "cannot create directory %s: %s", buf,
                                strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0777) < 0 && errno != EEXIST)
        return cw_error_set(err, CW_EIO, "cannot create directory %s: %s", buf, strerror(errno));
    return 0;
}

void cw_html_text(FILE *page, const char *text)
{
    for (const char *p = text ? text : ""; *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", page); break;
        case '<': fputs("&lt;", page); break;
        case '>': fputs("&gt;", page); break;
        case '"': fputs("&quot;", page); break;
        default: fputc(*p, page);
        }
    }
}

FILE *cw_html_begin(const char *path, const char *title, struct cw_error *err)
{
    FILE *page = fopen(path, "w");
    if (!page) {
        cw_error_set(err, CW_EIO, "cannot write %s: %s", path, strerror(errno));
        return NULL;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>", page);
    cw_html_text(page, title);
    fprintf(page, "</title><style>%s</style></head><body>\n<h1>", page_style);
    cw_html_text(page, title);
    fputs("</h1>\n", page);
    return page;
}

int cw_html_end(FILE *page, const char *path, struct cw_error *err)
{
    fputs("</body></html>\n", page);
    int failed = ferror(page);
    if (fclose(page) != 0 || failed)
        return cw_error_set(err, CW_EIO, "cannot write %s: %s", path, strerror(errno));
    return 0;
}

/* The text of <title> in path, or "" when absent. */
static void read_title(const char *path, char *title, size_t cap)
{
    title[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char head[4096];
    size_t n = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    head[n] = '\0';
    char *start = strstr(head, "<title>");
    char *end = start ? strstr(start, "</title>") : NULL;
    if (start && end) {
        start += 7;
        snprintf(title, cap, "%.*s", (int)(end - start), start);
    }
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int cw_site_update_index(const char *out_dir, struct cw_error *err)
{
    DIR *dir = opendir(out_dir);
    if (!dir)
        return cw_error_set(err, CW_EIO, "cannot read %s: %s", out_dir, strerror(errno));
    char *names[256] = {0};
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) && n < 256) {
        char page[4096];
        snprintf(page, sizeof page, "%s/%s/index.html", out_dir, e->d_name);
        if (e->d_name[0] != '.' && access(page, R_OK) == 0)
            names[n++] = strdup(e->d_name);
    }
    closedir(dir);
    qsort(names, n, sizeof *names, compare_names);
    char path[4096];
    snprintf(path, sizeof path, "%s/index.html", out_dir);
    FILE *index = cw_html_begin(path, "cwren results", err);
    if (index) {
        fputs("<p>Each lab's page shows what was run, its numbers and its figures.</p>\n<ul>\n",
              index);
        for (size_t i = 0; i < n; i++) {
            char page[4096], title[512];
            snprintf(page, sizeof page, "%s/%s/index.html", out_dir, names[i]);
            read_title(page, title, sizeof title);
            fprintf(index, "<li><a href=\"%s/index.html\">", names[i]);
            cw_html_text(index, names[i]);
            fputs("</a>: ", index);
            fputs(title, index); /* already escaped in its own page */
            fputs("</li>\n", index);
        }
        fputs("</ul>\n", index);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    return index ? cw_html_end(index, path, err) : err->code;
}
