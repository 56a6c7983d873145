/* site.h: the HTML pages runs leave behind: one page per lab under OUT/<lab>/index.html,
 * and OUT/index.html linking every lab page found there. Plain, self-contained HTML
 * (inline CSS, no scripts) that opens from disk. */
#ifndef CW_SITE_H
#define CW_SITE_H

#include <stdio.h>

#include "error.h"

/* Creates path's file and writes the document head and a <h1> title. NULL on error. */
FILE *cw_html_begin(const char *path, const char *title, struct cw_error *err);
/* Closes the document; returns 0 or an error naming path if anything failed to write. */
int cw_html_end(FILE *page, const char *path, struct cw_error *err);
/* Writes text with &, <, >, " escaped. */
void cw_html_text(FILE *page, const char *text);

/* Rewrites OUT/index.html from the <title> of every OUT/<dir>/index.html. */
int cw_site_update_index(const char *out_dir, struct cw_error *err);

/* mkdir -p; errors name the path. */
int cw_make_dirs(const char *path, struct cw_error *err);

#endif
