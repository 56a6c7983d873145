/* log.c: one formatted line per call, written with a single write() so lines from
 * workers and the controller never interleave mid-line. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static int current_level = -1;

int cw_log_parse_level(const char *name)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    if (!name)
        return -1;
    for (int i = 0; i < 4; i++)
        if (strcasecmp(name, names[i]) == 0)
            return i;
    if (strcasecmp(name, "warning") == 0)
        return CW_LOG_WARN;
    return -1;
}

void cw_log_set_level(enum cw_log_level level)
{
    current_level = (int)level;
}

int cw_log_enabled(enum cw_log_level level)
{
    if (current_level < 0) {
        int parsed = cw_log_parse_level(getenv("CWREN_LOGLEVEL"));
        current_level = parsed < 0 ? CW_LOG_INFO : parsed;
    }
    return (int)level <= current_level;
}

void cw_log(enum cw_log_level level, const char *fmt, ...)
{
    static const char *const prefixes[] = {"error: ", "warning: ", "", "debug: "};
    if (!cw_log_enabled(level))
        return;
    char line[2048];
    int used = snprintf(line, sizeof line, "%s", prefixes[level]);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line + used, sizeof line - (size_t)used - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)used + (n < 0 ? 0 : (size_t)n);
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    line[len++] = '\n';
    ssize_t ignored = write(STDERR_FILENO, line, len);
    (void)ignored;
}
