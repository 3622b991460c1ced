/*
 * test_atomic_write.c -- the one atomic-write routine and the three public
 * writers built on it (gmix_model_save, gmix_npy_write, gmix_write_file):
 * the mode of a
 * replaced file is kept, a new file gets 0666 minus the umask, and a
 * failure at any step leaves the old file exactly as it was and no
 * temporary file behind.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "io_internal.h"
#include "io_test.h"

/* The content a target holds before a write that must fail. */
#define OLD_CONTENT "old content, which must survive"

/* A file-size limit (bytes) below what either writer produces and above
 * the old content, so the write fails with EFBIG part way. */
#define SMALL_FILE_LIMIT 40

/* The two public writers, so each test runs over both. */
typedef enum writer_kind {
  WRITE_MODEL,
  WRITE_NPY,
  WRITE_FILE,
  N_WRITERS
} writer_kind;

static const char *const writer_names[N_WRITERS] = {"model.json", "x.npy",
                                                    "picture.png"};

/* What the byte writer writes: longer than SMALL_FILE_LIMIT. */
static const char FILE_BYTES[] =
    "bytes of a picture, longer than the small file limit of the tests";

/* Write through the writer `kind` to `path`. */
static gmix_status write_with(writer_kind kind, const char *path,
                              gmix_error *err) {
  static const double x[6] = {1, 2, 3, 4, 5, 6};
  if (kind == WRITE_NPY)
    return gmix_npy_write(path, x, 3, 2, err);
  if (kind == WRITE_FILE)
    return gmix_write_file(path, FILE_BYTES, sizeof FILE_BYTES - 1, err);
  const double w[2] = {0.25, 0.75}, mu[4] = {0, 1, 2, 3};
  const double cov[4] = {1, 2, 0.5, 0.25};
  gmix_model *m = NULL;
  assert_int_equal(gmix_model_create(GMIX_COV_DIAG, 2, 2, w, mu, cov, &m, NULL),
                   GMIX_OK);
  gmix_status st = gmix_model_save(m, path, err);
  gmix_model_free(m);
  return st;
}

static mode_t mode_of(const char *path) {
  struct stat sb;
  assert_int_equal(stat(path, &sb), 0);
  return sb.st_mode & 07777;
}

/* The whole content of a (small) file, in a static buffer. */
static const char *content_of(const char *path) {
  static char buf[256];
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  return buf;
}

/* Replacing a file keeps its mode, whatever the umask. */
static void test_mode_preserved(void **state) {
  (void)state;
  static const mode_t modes[] = {0640, 0600, 0664, 0444};
  mode_t saved = umask(077);
  for (int k = 0; k < N_WRITERS; k++) {
    io_test_cleanup();
    const char *p = io_test_path(1, writer_names[k]);
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
      gmix_error err;
      assert_int_equal(write_with((writer_kind)k, p, &err), GMIX_OK);
      assert_int_equal(chmod(p, modes[i]), 0);
      assert_int_equal(write_with((writer_kind)k, p, &err), GMIX_OK);
      if (mode_of(p) != modes[i])
        fail_msg("%s: mode %o after the save, %o before", p,
                 (unsigned)mode_of(p), (unsigned)modes[i]);
      assert_int_equal(io_test_dir_entries(), 1);
    }
  }
  umask(saved);
}

/* A new file gets 0666 minus the umask in force. */
static void test_new_file_mode(void **state) {
  (void)state;
  static const mode_t masks[] = {022, 077, 002, 0};
  for (int k = 0; k < N_WRITERS; k++)
    for (size_t i = 0; i < sizeof masks / sizeof masks[0]; i++) {
      io_test_cleanup();
      const char *p = io_test_path(1, writer_names[k]);
      mode_t saved = umask(masks[i]);
      gmix_error err;
      gmix_status st = write_with((writer_kind)k, p, &err);
      umask(saved);
      assert_int_equal(st, GMIX_OK);
      if (mode_of(p) != (0666 & ~masks[i]))
        fail_msg("%s: mode %o under umask %03o", p, (unsigned)mode_of(p),
                 (unsigned)masks[i]);
    }
}

/* Write OLD_CONTENT to `name` and return its path (slot 1). */
static const char *old_file(const char *name) {
  const char *p = io_test_path(1, name);
  FILE *f = fopen(p, "wb");
  assert_non_null(f);
  fputs(OLD_CONTENT, f);
  fclose(f);
  return p;
}

/* A folder the process may not write in: the temporary file cannot be
 * created. (A process with the power to override permissions, as root,
 * can still write there; that case is skipped, and the write failures
 * below cover the same promise.) */
static void test_unwritable_folder(void **state) {
  (void)state;
  for (int k = 0; k < N_WRITERS; k++) {
    io_test_cleanup();
    const char *p = old_file(writer_names[k]);
    assert_int_equal(chmod(io_test_dir(), 0555), 0);
    if (access(io_test_dir(), W_OK) == 0) {
      assert_int_equal(chmod(io_test_dir(), 0700), 0);
      skip();
    }
    gmix_error err;
    gmix_status st = write_with((writer_kind)k, p, &err);
    assert_int_equal(chmod(io_test_dir(), 0700), 0);
    assert_int_equal(st, GMIX_EIO);
    assert_int_equal(err.status, GMIX_EIO);
    assert_non_null(strstr(err.message, p));
    char why[GMIX__ERRNO_TEXT_SIZE];
    gmix__errno_text(EACCES, why, sizeof why);
    assert_non_null(strstr(err.message, why));
    assert_string_equal(content_of(p), OLD_CONTENT);
    assert_int_equal(io_test_dir_entries(), 1);
  }
}

/* The write itself fails part way (the file-size limit is reached): the
 * partial temporary file goes, the old file stays. Works for any user. */
static void test_write_failure_keeps_old_file(void **state) {
  (void)state;
  struct rlimit saved, small;
  assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
  void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
  for (int k = 0; k < N_WRITERS; k++) {
    io_test_cleanup();
    const char *p = old_file(writer_names[k]);
    assert_int_equal(chmod(p, 0604), 0);
    small = saved;
    small.rlim_cur = SMALL_FILE_LIMIT;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    gmix_error err;
    gmix_status st = write_with((writer_kind)k, p, &err);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
    assert_int_equal(st, GMIX_EIO);
    assert_non_null(strstr(err.message, p));
    char why[GMIX__ERRNO_TEXT_SIZE];
    gmix__errno_text(EFBIG, why, sizeof why);
    assert_non_null(strstr(err.message, why));
    assert_non_null(strstr(err.message, "cannot write"));
    assert_string_equal(content_of(p), OLD_CONTENT);
    assert_int_equal(mode_of(p), 0604);
    assert_int_equal(io_test_dir_entries(), 1);
  }
  signal(SIGXFSZ, old_handler);
}

/* A missing folder, or a folder where the file should be. */
static void test_bad_targets(void **state) {
  (void)state;
  for (int k = 0; k < N_WRITERS; k++) {
    io_test_cleanup();
    gmix_error err;
    const char *q = io_test_path(2, "no/such/folder.out");
    assert_int_equal(write_with((writer_kind)k, q, &err), GMIX_EIO);
    assert_non_null(strstr(err.message, q));
    char why[GMIX__ERRNO_TEXT_SIZE];
    gmix__errno_text(ENOENT, why, sizeof why);
    assert_non_null(strstr(err.message, why));

    const char *sub = io_test_path(2, "taken");
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(write_with((writer_kind)k, sub, &err), GMIX_EIO);
    assert_non_null(strstr(err.message, sub));
    assert_non_null(strstr(err.message, "rename"));
    assert_int_equal(io_test_dir_entries(), 1); /* the folder only */
    assert_int_equal(rmdir(sub), 0);
  }
}

/* The routine itself: a writer that fails gives its reason, and neither
 * the old file nor a temporary one is touched or left. */
static int failing_writer(int fd, void *ctx) {
  (void)ctx;
  if (gmix__write_all(fd, "partial", 7) != 0)
    return errno;
  return ENOSPC;
}

static int good_writer(int fd, void *ctx) {
  return gmix__write_all(fd, ctx, strlen(ctx));
}

static void test_routine(void **state) {
  (void)state;
  io_test_cleanup();
  const char *p = old_file("plain.txt");
  gmix_error err;
  assert_int_equal(gmix__atomic_write(p, failing_writer, NULL, &err), GMIX_EIO);
  char why[GMIX__ERRNO_TEXT_SIZE];
  gmix__errno_text(ENOSPC, why, sizeof why);
  char want[1024];
  snprintf(want, sizeof want, "%s: cannot write: %s", p, why);
  assert_string_equal(err.message, want);
  assert_string_equal(content_of(p), OLD_CONTENT);
  assert_int_equal(io_test_dir_entries(), 1);

  assert_int_equal(gmix__atomic_write(p, good_writer, "new", &err), GMIX_OK);
  assert_string_equal(content_of(p), "new");
  assert_int_equal(gmix__atomic_write_buffer(p, "bytes\0kept", 10, &err),
                   GMIX_OK);
  struct stat sb;
  assert_int_equal(stat(p, &sb), 0);
  assert_int_equal(sb.st_size, 10);
  assert_int_equal(io_test_dir_entries(), 1);

  /* A bare file name is written in the current folder. */
  char cwd[512];
  assert_non_null(getcwd(cwd, sizeof cwd));
  assert_int_equal(chdir(io_test_dir()), 0);
  assert_int_equal(gmix__atomic_write_buffer("bare.txt", "x", 1, &err),
                   GMIX_OK);
  assert_int_equal(chdir(cwd), 0);
  assert_int_equal(io_test_dir_entries(), 2);

  assert_int_equal(gmix__atomic_write(NULL, good_writer, "", &err),
                   GMIX_EINVAL);
  assert_int_equal(gmix__atomic_write("", good_writer, "", &err), GMIX_EINVAL);
  assert_int_equal(gmix__atomic_write(p, NULL, NULL, &err), GMIX_EINVAL);

  /* Allocation failure comes before anything touches the disk. */
  gmix__fault_inject(1);
  assert_int_equal(gmix__atomic_write(p, good_writer, "lost", &err),
                   GMIX_ENOMEM);
  gmix__fault_inject(0);
  assert_int_equal(stat(p, &sb), 0);
  assert_int_equal(sb.st_size, 10);
  assert_int_equal(io_test_dir_entries(), 2);

  /* The public byte writer refuses what it cannot write, touching
   * nothing; an empty content is a valid empty file. */
  assert_int_equal(gmix_write_file(NULL, "x", 1, &err), GMIX_EINVAL);
  assert_non_null(strstr(err.message, "no path"));
  assert_int_equal(gmix_write_file("", "x", 1, &err), GMIX_EINVAL);
  assert_int_equal(gmix_write_file(p, NULL, 1, &err), GMIX_EINVAL);
  assert_string_equal(err.message, "argument 'data' is NULL");
  assert_int_equal(stat(p, &sb), 0);
  assert_int_equal(sb.st_size, 10);
  assert_int_equal(gmix_write_file(p, NULL, 0, &err), GMIX_OK);
  assert_int_equal(stat(p, &sb), 0);
  assert_int_equal(sb.st_size, 0);
  assert_int_equal(io_test_dir_entries(), 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mode_preserved),
      cmocka_unit_test(test_new_file_mode),
      cmocka_unit_test(test_unwritable_folder),
      cmocka_unit_test(test_write_failure_keeps_old_file),
      cmocka_unit_test(test_bad_targets),
      cmocka_unit_test(test_routine),
  };
  return cmocka_run_group_tests_name("io_atomic_write", tests, NULL,
                                     io_test_teardown);
}
