/* executor_local.c: the local backend. It serves the Lambda Runtime API on 127.0.0.1 and
 * runs a pool of worker processes, each this very program re-executed in worker mode, so
 * local runs exercise the worker code that runs on Lambda. Dead workers are reaped,
 * blamed for what they were running, and replaced. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "fanout_internal.h"
#include "log.h"

struct local_worker {
    pid_t pid; /* 0 when the slot is empty */
    char id[64];
    int killed; /* we killed it (timeout): its death is no news */
};

struct local_state {
    struct cw_runtime_host *host;
    struct local_worker *workers;
    int n_workers;
    int next_number; /* for worker ids: local-1, local-2, ... */
    char exe[PATH_MAX];
    /* Workers that died without ever taking work, in a row: they cannot start. */
    int idle_deaths;
    unsigned long long takes_at_last_idle_death;
    pthread_mutex_t init_lock;
    char init_error[512]; /* what the last worker posted to /init/error */
};

static int host_next(void *ctx, const char *worker_id, struct cw_runtime_dispatch *out)
{
    return cw_ex_take(ctx, worker_id, out);
}

static void host_undelivered(void *ctx, const char *request_id)
{
    cw_ex_requeue(ctx, request_id);
}

static int host_response(void *ctx, const char *request_id, const char *body, size_t len,
                         struct cw_error *why)
{
    return cw_ex_response(ctx, request_id, body, len, why);
}

static int host_error(void *ctx, const char *request_id, const char *body, size_t len,
                      struct cw_error *why)
{
    return cw_ex_invocation_error(ctx, request_id, body, len, why);
}

static void host_init_error(void *ctx, const char *worker_id, const char *body, size_t len)
{
    struct cw_executor *ex = ctx;
    struct local_state *st = ex->backend_state;
    json_t *doc = json_loadb(body, len, 0, NULL);
    const char *message = json_string_value(json_object_get(doc, "errorMessage"));
    pthread_mutex_lock(&st->init_lock);
    snprintf(st->init_error, sizeof st->init_error, "%s", message ? message : "(no message)");
    pthread_mutex_unlock(&st->init_lock);
    cw_log_warn("worker %s failed to start: %s", worker_id, message ? message : "(no message)");
    json_decref(doc);
}

static const struct cw_runtime_host_callbacks host_callbacks = {
    host_next, host_undelivered, host_response, host_error, host_init_error,
};

static int spawn_worker(struct cw_executor *ex, struct local_worker *w, struct cw_error *err)
{
    struct local_state *st = ex->backend_state;
    char api[64], id[64];
    snprintf(api, sizeof api, "127.0.0.1:%d", cw_runtime_host_port(st->host));
    snprintf(id, sizeof id, "local-%d", ++st->next_number);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        return cw_error_set(err, CW_EIO, "cannot start a worker process: %s", strerror(errno));
    if (pid == 0) {
        /* Workers must not outlive the controller, and must not write to its stdout. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(1);
        dup2(STDERR_FILENO, STDOUT_FILENO);
        setenv("AWS_LAMBDA_RUNTIME_API", api, 1);
        setenv("CWREN_WORKER", id, 1);
        char *argv[] = {st->exe, NULL};
        execv(st->exe, argv);
        fprintf(stderr, "error: cannot run worker %s: %s\n", st->exe, strerror(errno));
        _exit(127);
    }
    w->pid = pid;
    snprintf(w->id, sizeof w->id, "%s", id);
    return 0;
}

static void describe_death(const struct local_worker *w, int status, char *buf, size_t cap)
{
    if (WIFSIGNALED(status))
        snprintf(buf, cap, "worker %s (pid %d) was killed by signal %d (%s)", w->id, (int)w->pid,
                 WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        snprintf(buf, cap, "worker %s (pid %d) exited with status %d", w->id, (int)w->pid,
                 WEXITSTATUS(status));
}

/* A worker died while idle. If workers keep dying before any takes work, starting more
 * is pointless: fail what is queued with the reason. */
static void note_idle_death(struct cw_executor *ex, const char *death)
{
    struct local_state *st = ex->backend_state;
    pthread_mutex_lock(&ex->lock);
    unsigned long long takes = ex->takes;
    pthread_mutex_unlock(&ex->lock);
    if (takes != st->takes_at_last_idle_death)
        st->idle_deaths = 0;
    st->takes_at_last_idle_death = takes;
    if (++st->idle_deaths <= st->n_workers + 2)
        return;
    char message[1024];
    pthread_mutex_lock(&st->init_lock);
    snprintf(message, sizeof message, "workers cannot start: %s%s%s", death,
             st->init_error[0] ? "; last init error: " : "", st->init_error);
    pthread_mutex_unlock(&st->init_lock);
    cw_ex_fail_all_queued(ex, CW_ECRASH, message);
    st->idle_deaths = 0;
}

static void local_poll(struct cw_executor *ex)
{
    struct local_state *st = ex->backend_state;
    for (int i = 0; i < st->n_workers; i++) {
        struct local_worker *w = &st->workers[i];
        int status;
        if (w->pid <= 0 || waitpid(w->pid, &status, WNOHANG) != w->pid)
            continue;
        char death[256];
        describe_death(w, status, death, sizeof death);
        int was_busy = cw_ex_fail_worker(ex, w->id, CW_ECRASH, death);
        if (!was_busy && !w->killed) {
            cw_log_warn("%s while idle", death);
            note_idle_death(ex, death);
        }
        w->pid = 0;
        w->killed = 0;
        struct cw_error err;
        if (spawn_worker(ex, w, &err) < 0)
            cw_log_error("%s", err.message);
    }
}

static void local_kill_worker(struct cw_executor *ex, const char *worker_id)
{
    struct local_state *st = ex->backend_state;
    for (int i = 0; i < st->n_workers; i++)
        if (st->workers[i].pid > 0 && strcmp(st->workers[i].id, worker_id) == 0) {
            st->workers[i].killed = 1;
            kill(st->workers[i].pid, SIGKILL);
        }
}

static void stop_workers(struct local_state *st)
{
    for (int i = 0; i < st->n_workers; i++)
        if (st->workers[i].pid > 0)
            kill(st->workers[i].pid, SIGKILL);
    for (int i = 0; i < st->n_workers; i++)
        if (st->workers[i].pid > 0)
            waitpid(st->workers[i].pid, NULL, 0);
}

static void local_stop(struct cw_executor *ex)
{
    struct local_state *st = ex->backend_state;
    stop_workers(st);
    cw_runtime_host_stop(st->host);
    pthread_mutex_destroy(&st->init_lock);
    free(st->workers);
    free(st);
    ex->backend_state = NULL;
}

static int local_start(struct cw_executor *ex, struct cw_error *err)
{
    struct local_state *st = calloc(1, sizeof *st);
    if (!st)
        return cw_error_set(err, CW_ENOMEM, "out of memory");
    pthread_mutex_init(&st->init_lock, NULL);
    ex->backend_state = st;
    ssize_t len = readlink("/proc/self/exe", st->exe, sizeof st->exe - 1);
    if (len <= 0) {
        local_stop(ex);
        return cw_error_set(err, CW_EIO, "cannot find this program to start workers: %s",
                            strerror(errno));
    }
    st->exe[len] = '\0';
    st->host = cw_runtime_host_start(0, &host_callbacks, ex, err);
    if (!st->host) {
        local_stop(ex);
        return err ? err->code : CW_EIO;
    }
    st->n_workers = ex->cfg.workers;
    st->workers = calloc((size_t)st->n_workers, sizeof *st->workers);
    for (int i = 0; i < st->n_workers; i++) {
        if (spawn_worker(ex, &st->workers[i], err) < 0) {
            local_stop(ex);
            return err ? err->code : CW_EIO;
        }
    }
    cw_log_debug("local executor: %d workers on the Runtime API at 127.0.0.1:%d", st->n_workers,
                 cw_runtime_host_port(st->host));
    return 0;
}

const struct cw_backend_ops cw_backend_local = {
    "local", local_start, local_poll, local_kill_worker, local_stop,
};
