/* log.h: leveled log lines on stderr. The level comes from CWREN_LOGLEVEL
 * (error, warn, info, debug; default info). */
#ifndef CW_LOG_H
#define CW_LOG_H

enum cw_log_level { CW_LOG_ERROR, CW_LOG_WARN, CW_LOG_INFO, CW_LOG_DEBUG };

void cw_log(enum cw_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cw_log_enabled(enum cw_log_level level);
/* Parses a level name; returns -1 when unknown. */
int cw_log_parse_level(const char *name);
/* Overrides the environment (used by --quiet / --verbose style flags). */
void cw_log_set_level(enum cw_log_level level);

#define cw_log_error(...) cw_log(CW_LOG_ERROR, __VA_ARGS__)
#define cw_log_warn(...) cw_log(CW_LOG_WARN, __VA_ARGS__)
#define cw_log_info(...) cw_log(CW_LOG_INFO, __VA_ARGS__)
#define cw_log_debug(...) cw_log(CW_LOG_DEBUG, __VA_ARGS__)

#endif
