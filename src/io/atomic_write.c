/*
 * atomic_write.c -- replace a file so that it holds either its old content
 * or all of the new one, never a part: the one routine every writer of the
 * library (model files, .npy files) goes through.
 *
 * The new content goes to a temporary file in the target's folder (rename
 * is atomic only within one file system), is flushed to disk, and is then
 * renamed over the target; the folder is flushed last so that the rename
 * itself survives a crash. The temporary name is created with O_EXCL, so
 * two writers never share one, and with mode 0666: open() applies the
 * process umask itself, which is how a new file gets 0666 minus the umask
 * without reading the umask (umask() can only be read by setting it, which
 * races with other threads). When the target exists the temporary file
 * takes its mode instead, so replacing a file keeps its permissions.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io_internal.h"

/* How many temporary names are tried before giving up (another writer
 * holding each of them at once is the only reason to move on). */
#define TEMP_NAME_ATTEMPTS 100

/* Room for ".tmp-<pid>-<attempt>" after the target's name: the longest
 * decimal long and int with their separators and the NUL. */
#define TEMP_SUFFIX_BYTES 64

/* Mode of a file created from scratch, before the umask is applied. */
#define NEW_FILE_MODE 0666

/* The permission bits (with set-id and sticky) of a mode. */
#define MODE_BITS 07777

/* Write at most this many bytes per write() call: some systems refuse or
 * split larger requests. */
#define MAX_WRITE_BYTES ((size_t)1 << 30)

int gmix__write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    size_t want = len < MAX_WRITE_BYTES ? len : MAX_WRITE_BYTES;
    ssize_t put = write(fd, p, want);
    if (put < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    p += put;
    len -= (size_t)put;
  }
  return 0;
}

/* The writer of gmix__atomic_write_buffer. */
typedef struct buffer {
  const void *data;
  size_t len;
} buffer;

static int write_buffer(int fd, void *ctx) {
  const buffer *b = ctx;
  return gmix__write_all(fd, b->data, b->len);
}

gmix_status gmix__atomic_write_buffer(const char *path, const void *data,
                                      size_t len, gmix_error *err) {
  buffer b = {data, len};
  return gmix__atomic_write(path, write_buffer, &b, err);
}

gmix_status gmix_write_file(const char *path, const void *data, size_t len,
                            gmix_error *err) {
  if (!path || !*path)
    return gmix__error(err, GMIX_EINVAL, "gmix_write_file: no path given");
  if (!data && len > 0)
    return gmix__null_argument(err, "data");
  return gmix__atomic_write_buffer(path, data, len, err);
}

/* Flush the folder `dir` so that a rename in it is on disk. 0 or an errno
 * value. A file system that cannot flush a folder (EINVAL) is not an
 * error: there is nothing more a writer can do. */
static int sync_folder(const char *dir) {
  int fd;
  do
    fd = open(dir, O_RDONLY | O_CLOEXEC | O_DIRECTORY);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return errno;
  int e = 0;
  if (fsync(fd) != 0 && errno != EINVAL)
    e = errno;
  close(fd);
  return e;
}

gmix_status gmix__atomic_write(const char *path, gmix__writer writer, void *ctx,
                               gmix_error *err) {
  char why[GMIX__ERRNO_TEXT_SIZE];
  if (!path || !*path || !writer)
    return gmix__error(err, GMIX_EINVAL, "atomic write: no %s given",
                       writer ? "file name" : "writer");

  /* Both names are made before anything touches the disk, so that no
   * failure can come between the rename and the report of success. */
  size_t plen = strlen(path), cap;
  if (plen > SIZE_MAX - 2 * TEMP_SUFFIX_BYTES ||
      !gmix__mul(plen + TEMP_SUFFIX_BYTES, 2, &cap))
    return gmix__error(err, GMIX_EOVERFLOW, "%s: the name is too long", path);
  char *tmp = gmix__malloc(cap);
  if (!tmp)
    return gmix__error(err, GMIX_ENOMEM, "%s: out of memory", path);
  char *dir = tmp + plen + TEMP_SUFFIX_BYTES;
  const char *slash = strrchr(path, '/');
  if (!slash) {
    memcpy(dir, ".", 2);
  } else {
    size_t dlen = slash == path ? 1 : (size_t)(slash - path);
    memcpy(dir, path, dlen);
    dir[dlen] = '\0';
  }

  int fd = -1;
  for (int attempt = 0; attempt < TEMP_NAME_ATTEMPTS; attempt++) {
    snprintf(tmp, plen + TEMP_SUFFIX_BYTES, "%s.tmp-%ld-%d", path,
             (long)getpid(), attempt);
    do
      fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, NEW_FILE_MODE);
    while (fd < 0 && errno == EINTR);
    if (fd >= 0 || errno != EEXIST)
      break;
  }
  if (fd < 0) {
    gmix__errno_text(errno, why, sizeof why);
    gmix__free(tmp);
    return gmix__error(err, GMIX_EIO,
                       "%s: cannot create a temporary file in its folder: %s",
                       path, why);
  }

  const char *step = NULL;
  int e = 0;
  struct stat old;
  if (stat(path, &old) == 0 && S_ISREG(old.st_mode) &&
      fchmod(fd, old.st_mode & MODE_BITS) != 0) {
    e = errno;
    step = "cannot give the temporary file the mode of the old one";
  }
  if (!step && (e = writer(fd, ctx)) != 0)
    step = "cannot write";
  if (!step && fsync(fd) != 0) {
    e = errno;
    step = "cannot flush to disk";
  }
  if (close(fd) != 0 && !step) {
    e = errno;
    step = "cannot write";
  }
  if (!step && rename(tmp, path) != 0) {
    e = errno;
    step = "cannot rename the temporary file onto it";
  }
  if (step) {
    unlink(tmp);
    gmix__free(tmp);
    gmix__errno_text(e, why, sizeof why);
    return gmix__error(err, GMIX_EIO, "%s: %s: %s", path, step, why);
  }
  e = sync_folder(dir);
  gmix__free(tmp);
  if (e != 0) {
    gmix__errno_text(e, why, sizeof why);
    return gmix__error(err, GMIX_EIO,
                       "%s: written, but its folder cannot be flushed to "
                       "disk: %s",
                       path, why);
  }
  return GMIX_OK;
}
