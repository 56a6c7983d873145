/* store_file.c: the file:// backend; a key is a path under the root directory. Every call
 * works relative to a descriptor of the root opened once, so a later chdir cannot move the
 * store, and puts go through a temporary file renamed into place, so objects appear whole. */
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BLOCK_SIZE (1024 * 1024)
/* Temporary names contain a backslash, which no key may, so a put in progress can never
 * collide with a key nor be listed as one. */
#define TEMP_MARK ".cwren-put\\"
#define TEMP_ATTEMPTS 100
/* A concurrent delete may remove a directory a put has just created; the put then retries. */
#define PUT_DIR_ATTEMPTS 8

struct file_store {
    int root_fd;
    char *root; /* as given, without trailing slashes; for messages */
};

static struct file_store *backend(struct cw_store *store)
{
    return store->backend;
}

static int status_for_errno(int errnum)
{
    return errnum == ENOMEM ? CW_ENOMEM : CW_EIO;
}

/* "/" already ends in a separator; every other root needs one before a relative path. */
static const char *separator(const struct file_store *fs)
{
    size_t len = strlen(fs->root);
    return len && fs->root[len - 1] == '/' ? "" : "/";
}

/* An OS error while working on key; rel is the path under the root that failed. */
static int os_error(struct cw_store *store, struct cw_error *err, int errnum, const char *doing,
                    const char *key, const char *rel)
{
    struct file_store *fs = backend(store);
    bool at_root = !rel || !*rel || strcmp(rel, ".") == 0;
    return cw_error_set(err, status_for_errno(errnum), "store %s: cannot %s key %s: %s%s%s: %s",
                        store->url, doing, key, fs->root, at_root ? "" : separator(fs),
                        at_root ? "" : rel, strerror(errnum));
}

static int not_found(struct cw_store *store, struct cw_error *err, const char *key)
{
    return cw_error_set(err, CW_ENOTFOUND, "store %s: no such key %s", store->url, key);
}

/* ENOTDIR: a leading part of the key is an object, so the key itself cannot exist. */
static bool is_missing(int errnum)
{
    return errnum == ENOENT || errnum == ENOTDIR;
}

/* mkdir -p: the path's directories are created one by one, tolerating ones that exist. */
static int make_directories(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(path, 0777);
        *p = '/';
        if (rc < 0 && errno != EEXIST)
            return -1;
    }
    if (mkdir(path, 0777) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

static int open_root(struct cw_store *store, struct file_store *fs, struct cw_error *err)
{
    fs->root_fd = open(fs->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fs->root_fd < 0 && errno == ENOENT) {
        if (make_directories(fs->root) < 0)
            return cw_error_set(err, status_for_errno(errno),
                                "store %s: cannot create directory %s: %s", store->url, fs->root,
                                strerror(errno));
        fs->root_fd = open(fs->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
    if (fs->root_fd < 0)
        return cw_error_set(err, status_for_errno(errno), "store %s: cannot open directory %s: %s",
                            store->url, fs->root, strerror(errno));
    return 0;
}

static int file_open(struct cw_store *store, const char *location, struct cw_error *err)
{
    if (!*location)
        return cw_error_set(err, CW_EINVAL, "store %s: no directory given", store->url);
    struct file_store *fs = calloc(1, sizeof *fs);
    char *root = strdup(location);
    if (!fs || !root) {
        free(fs);
        free(root);
        return cw_error_set(err, CW_ENOMEM, "store %s: out of memory", store->url);
    }
    for (size_t len = strlen(root); len > 1 && root[len - 1] == '/'; len--)
        root[len - 1] = '\0';
    fs->root = root;
    int rc = open_root(store, fs, err);
    if (rc < 0) {
        free(fs->root);
        free(fs);
        return rc;
    }
    store->backend = fs;
    return 0;
}

static void file_close(struct cw_store *store)
{
    struct file_store *fs = backend(store);
    if (!fs)
        return;
    close(fs->root_fd);
    free(fs->root);
    free(fs);
    store->backend = NULL;
}

/* Length of the directory part of key, including its last '/'; 0 for a top-level key. */
static size_t directory_length(const char *key)
{
    const char *slash = strrchr(key, '/');
    return slash ? (size_t)(slash - key) + 1 : 0;
}

/* Removes the directories above key that are now empty, deepest first, never the root. */
static void remove_empty_parents(struct file_store *fs, const char *key)
{
    char dir[PATH_MAX];
    if (snprintf(dir, sizeof dir, "%s", key) >= (int)sizeof dir)
        return;
    for (char *slash = strrchr(dir, '/'); slash; slash = strrchr(dir, '/')) {
        *slash = '\0';
        if (unlinkat(fs->root_fd, dir, AT_REMOVEDIR) < 0)
            return; /* not empty, or already gone: either way the parents stay */
    }
}

static int make_parents(struct cw_store *store, const char *key, struct cw_error *err)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", key);
    for (char *p = dir; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdirat(backend(store)->root_fd, dir, 0777) < 0 && errno != EEXIST)
            return os_error(store, err, errno, "write", key, dir);
        *p = '/';
    }
    return 0;
}

/* pid and counter keep concurrent puts of one key apart across processes and threads; the
 * time separates hosts sharing the filesystem. O_EXCL settles any collision left. */
static void make_temp_name(char *out, size_t cap, const char *key)
{
    static atomic_uint counter;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    snprintf(out, cap, "%.*s" TEMP_MARK "%ld.%u.%ld", (int)directory_length(key), key,
             (long)getpid(), atomic_fetch_add(&counter, 1), (long)now.tv_nsec);
}

/* Creates an empty temporary file beside where the key will be, and the key's directories
 * when they are missing; the temporary's path goes into temp. Mode 0666 rather than
 * mkstemp's 0600: objects get the permissions the umask asks for, like any new file.
 * Returns the descriptor or a negative status. */
static int create_temp(struct cw_store *store, const char *key, char *temp, size_t temp_cap,
                       struct cw_error *err)
{
    int dir_attempts = 0;
    for (int attempt = 0; attempt < TEMP_ATTEMPTS; attempt++) {
        make_temp_name(temp, temp_cap, key);
        int fd =
            openat(backend(store)->root_fd, temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0)
            return fd;
        if (errno == ENOENT && dir_attempts++ < PUT_DIR_ATTEMPTS) {
            int rc = make_parents(store, key, err);
            if (rc < 0)
                return rc;
        } else if (errno != EEXIST) {
            break;
        }
    }
    int errnum = errno;
    size_t dir_len = directory_length(key);
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%.*s", dir_len ? (int)dir_len - 1 : 0, key);
    return os_error(store, err, errnum, "write", key, dir);
}

static int write_all(int fd, const unsigned char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

static int copy_from_source(struct cw_store *store, const char *key, int fd, cw_store_source source,
                            void *ctx, struct cw_error *err)
{
    unsigned char *buf = malloc(BLOCK_SIZE);
    if (!buf)
        return cw_error_set(err, CW_ENOMEM, "store %s: cannot write key %s: out of memory",
                            store->url, key);
    uint64_t total = 0;
    int rc = 0;
    for (;;) {
        ssize_t n = source(ctx, buf, BLOCK_SIZE);
        if (n == 0)
            break;
        if (n < 0 || n > BLOCK_SIZE) {
            rc = cw_error_set(err, n < 0 ? CW_EIO : CW_EINVAL,
                              "store %s: cannot write key %s: the data source %s after %llu "
                              "bytes",
                              store->url, key, n < 0 ? "failed" : "overran its buffer",
                              (unsigned long long)total);
            break;
        }
        if (write_all(fd, buf, (size_t)n) < 0) {
            rc = os_error(store, err, errno, "write", key, key);
            break;
        }
        total += (uint64_t)n;
    }
    free(buf);
    return rc;
}

/* Makes the rename itself durable. Best effort: the object is already in place, and some
 * filesystems cannot sync a directory at all. */
static void sync_directory(struct file_store *fs, const char *key)
{
    char dir[PATH_MAX];
    size_t len = directory_length(key);
    snprintf(dir, sizeof dir, "%.*s", len ? (int)len : 1, len ? key : ".");
    int fd = openat(fs->root_fd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static int finish_temp(struct cw_store *store, const char *key, int fd, const char *temp,
                       struct cw_error *err)
{
    if (fsync(fd) < 0) {
        int errnum = errno;
        close(fd);
        return os_error(store, err, errnum, "write", key, key);
    }
    if (close(fd) < 0)
        return os_error(store, err, errno, "write", key, key);
    int root_fd = backend(store)->root_fd;
    if (renameat(root_fd, temp, root_fd, key) < 0)
        return os_error(store, err, errno, "write", key, key);
    sync_directory(backend(store), key);
    return 0;
}

static int file_put(struct cw_store *store, const char *key, cw_store_source source, void *ctx,
                    struct cw_error *err)
{
    struct file_store *fs = backend(store);
    char temp[PATH_MAX];
    int fd = create_temp(store, key, temp, sizeof temp, err);
    if (fd < 0) {
        remove_empty_parents(fs, key);
        return fd;
    }
    int rc = copy_from_source(store, key, fd, source, ctx, err);
    if (rc < 0)
        close(fd);
    else
        rc = finish_temp(store, key, fd, temp, err);
    if (rc < 0) {
        unlinkat(fs->root_fd, temp, 0);
        remove_empty_parents(fs, key);
    }
    return rc;
}

/* Opens key for reading; a directory counts as missing, since it holds keys but is none. */
static int open_object(struct cw_store *store, const char *key, struct cw_error *err)
{
    int fd = openat(backend(store)->root_fd, key, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return is_missing(errno) ? not_found(store, err, key)
                                 : os_error(store, err, errno, "read", key, key);
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int errnum = errno;
        close(fd);
        return os_error(store, err, errnum, "read", key, key);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return not_found(store, err, key);
    }
    return fd;
}

/* A sink may stop with one of our status codes; anything else reads as an I/O failure. */
static int sink_status(int rc)
{
    return rc < 0 && rc >= CW_ETASK ? rc : CW_EIO;
}

static int stream_range(struct cw_store *store, const char *key, int fd, uint64_t offset,
                        uint64_t length, cw_store_sink sink, void *ctx, struct cw_error *err)
{
    if (offset > (uint64_t)INT64_MAX)
        return 0; /* beyond any file: an empty range, as for any offset past the end */
    unsigned char *buf = malloc(BLOCK_SIZE);
    if (!buf)
        return cw_error_set(err, CW_ENOMEM, "store %s: cannot read key %s: out of memory",
                            store->url, key);
    uint64_t position = offset, remaining = length;
    int rc = 0;
    while (remaining > 0) {
        size_t want = remaining < BLOCK_SIZE ? (size_t)remaining : BLOCK_SIZE;
        ssize_t n = pread(fd, buf, want, (off_t)position);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = os_error(store, err, errno, "read", key, key);
            break;
        }
        if (n == 0)
            break;
        int stop = sink(ctx, buf, (size_t)n);
        if (stop) {
            rc = cw_error_set(err, sink_status(stop),
                              "store %s: reading key %s: the receiver stopped at byte %llu",
                              store->url, key, (unsigned long long)position);
            break;
        }
        position += (uint64_t)n;
        remaining -= (uint64_t)n;
    }
    free(buf);
    return rc;
}

static int file_get(struct cw_store *store, const char *key, uint64_t offset, uint64_t length,
                    cw_store_sink sink, void *ctx, struct cw_error *err)
{
    int fd = open_object(store, key, err);
    if (fd < 0)
        return fd;
    int rc = stream_range(store, key, fd, offset, length, sink, ctx, err);
    close(fd);
    return rc;
}

static int file_size(struct cw_store *store, const char *key, uint64_t *size, struct cw_error *err)
{
    struct stat st;
    if (fstatat(backend(store)->root_fd, key, &st, 0) < 0)
        return is_missing(errno) ? not_found(store, err, key)
                                 : os_error(store, err, errno, "stat", key, key);
    if (!S_ISREG(st.st_mode))
        return not_found(store, err, key);
    *size = (uint64_t)st.st_size;
    return 0;
}

static int file_remove(struct cw_store *store, const char *key, struct cw_error *err)
{
    struct file_store *fs = backend(store);
    if (unlinkat(fs->root_fd, key, 0) < 0)
        return is_missing(errno) || errno == EISDIR
                   ? not_found(store, err, key)
                   : os_error(store, err, errno, "delete", key, key);
    remove_empty_parents(fs, key);
    return 0;
}

/* Listing: each directory is read whole and sorted with directories compared as "name/",
 * which makes a depth-first walk produce keys in plain byte order ("a-b" < "a/c" < "ab"). */

struct entry {
    char *name;
    bool is_dir;
    uint64_t size;
};

struct entries {
    struct entry *items;
    size_t count;
    size_t cap;
};

struct walk {
    struct cw_store *store;
    const char *prefix;
    size_t prefix_len;
    cw_store_lister lister;
    void *ctx;
    struct cw_error *err;
};

#define WALK_STOPPED 1

static void free_entries(struct entries *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i].name);
    free(list->items);
}

static int compare_entries(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    const unsigned char *p = (const unsigned char *)x->name;
    const unsigned char *q = (const unsigned char *)y->name;
    while (*p && *p == *q) {
        p++;
        q++;
    }
    int cp = *p ? *p : (x->is_dir ? '/' : 0);
    int cq = *q ? *q : (y->is_dir ? '/' : 0);
    return cp - cq;
}

/* Regular files are objects; directories hold more. Symbolic links to files count as
 * objects (get follows them), links to directories are skipped so a loop cannot trap us. */
static bool classify(int dir_fd, const char *name, struct entry *out)
{
    struct stat st;
    if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return false;
    if (S_ISLNK(st.st_mode) && (fstatat(dir_fd, name, &st, 0) < 0 || !S_ISREG(st.st_mode)))
        return false;
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
        return false;
    out->is_dir = S_ISDIR(st.st_mode);
    out->size = (uint64_t)st.st_size;
    return true;
}

static int add_entry(struct entries *list, const char *name, const struct entry *kind)
{
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 64;
        struct entry *grown = realloc(list->items, cap * sizeof *grown);
        if (!grown)
            return -1;
        list->items = grown;
        list->cap = cap;
    }
    struct entry *e = &list->items[list->count];
    *e = *kind;
    e->name = strdup(name);
    if (!e->name)
        return -1;
    list->count++;
    return 0;
}

static int list_error(struct walk *w, int errnum, const char *rel)
{
    struct file_store *fs = backend(w->store);
    bool at_root = strcmp(rel, ".") == 0;
    return cw_error_set(w->err, status_for_errno(errnum),
                        "store %s: cannot list keys starting with \"%s\": %s%s%s: %s",
                        w->store->url, w->prefix, fs->root, at_root ? "" : separator(fs),
                        at_root ? "" : rel, strerror(errnum));
}

/* Reads the directory at rel (a key prefix without its '/', or "." for the root). A
 * directory that vanished under a concurrent delete reads as empty. */
static int read_directory(struct walk *w, const char *rel, struct entries *list)
{
    int fd = openat(backend(w->store)->root_fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return is_missing(errno) ? 0 : list_error(w, errno, rel);
    DIR *dir = fdopendir(fd);
    if (!dir) {
        int errnum = errno;
        close(fd);
        return list_error(w, errnum, rel);
    }
    int rc = 0;
    errno = 0;
    for (struct dirent *d; (d = readdir(dir)); errno = 0) {
        struct entry kind;
        if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, "..") ||
            !classify(dirfd(dir), d->d_name, &kind))
            continue;
        if (add_entry(list, d->d_name, &kind) < 0) {
            rc = cw_error_set(w->err, CW_ENOMEM, "store %s: list: out of memory", w->store->url);
            break;
        }
    }
    if (rc == 0 && errno)
        rc = list_error(w, errno, rel);
    closedir(dir);
    if (list->count > 1)
        qsort(list->items, list->count, sizeof *list->items, compare_entries);
    return rc;
}

/* Could key (a directory's key followed by '/', or an object's key) matter for prefix? */
static bool worth_descending(const struct walk *w, const char *dir_key, size_t len)
{
    size_t n = len < w->prefix_len ? len : w->prefix_len;
    return strncmp(dir_key, w->prefix, n) == 0;
}

static int walk_directory(struct walk *w, char *key, size_t key_len);

static int visit(struct walk *w, const struct entry *e, char *key, size_t key_len)
{
    size_t name_len = strlen(e->name);
    if (key_len + name_len + 1 >= PATH_MAX)
        return 0;
    memcpy(key + key_len, e->name, name_len + 1);
    /* Names no key can have (temporary files among them) are not objects of the store. */
    if (cw_store_check_key(key, NULL) < 0)
        return 0;
    if (!e->is_dir) {
        if (strncmp(key, w->prefix, w->prefix_len) != 0)
            return 0;
        return w->lister(w->ctx, key, e->size) ? WALK_STOPPED : 0;
    }
    key[key_len + name_len] = '/';
    key[key_len + name_len + 1] = '\0';
    if (!worth_descending(w, key, key_len + name_len + 1))
        return 0;
    return walk_directory(w, key, key_len + name_len + 1);
}

/* key holds the directory's key with a trailing '/' ("" for the root). */
static int walk_directory(struct walk *w, char *key, size_t key_len)
{
    struct entries list = {0};
    if (key_len)
        key[key_len - 1] = '\0';
    int rc = read_directory(w, key_len ? key : ".", &list);
    if (key_len)
        key[key_len - 1] = '/';
    for (size_t i = 0; rc == 0 && i < list.count; i++)
        rc = visit(w, &list.items[i], key, key_len);
    key[key_len] = '\0';
    free_entries(&list);
    return rc;
}

static int file_list(struct cw_store *store, const char *prefix, cw_store_lister lister, void *ctx,
                     struct cw_error *err)
{
    struct walk w = {store, prefix, strlen(prefix), lister, ctx, err};
    char key[PATH_MAX] = "";
    int rc = walk_directory(&w, key, 0);
    return rc == WALK_STOPPED ? 0 : rc;
}

const struct cw_store_ops cw_store_file_ops = {
    .scheme = "file",
    .open = file_open,
    .close = file_close,
    .put = file_put,
    .get = file_get,
    .size = file_size,
    .list = file_list,
    .remove = file_remove,
};
