/*
 * interrupt.c -- SIGINT and SIGTERM in the long commands: the three phases
 * of interrupt.h. The handler does only what a handler may: store to
 * volatile sig_atomic_t variables, write(2) and _exit(2).
 */
#include "interrupt.h"

#include <string.h>
#include <unistd.h>

#include "common.h"

enum { PHASE_EXIT, PHASE_CANCEL, PHASE_COMMIT };

static volatile sig_atomic_t phase = PHASE_EXIT;
static volatile sig_atomic_t received; /* first signal's number, or 0 */
static volatile sig_atomic_t cancel;   /* the library's flag            */

static const char *signal_name(int sig) {
  return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
}

/* The one line, written with write(2) alone so that the handler can use
 * it too. */
static void say_interrupted(int sig) {
  if (cli_quiet)
    return;
  const char *parts[] = {cli_program, ": interrupted by ", signal_name(sig),
                         "; nothing was written\n"};
  for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
    size_t len = strlen(parts[i]);
    if (write(STDERR_FILENO, parts[i], len) != (ssize_t)len)
      return;
  }
}

static void on_signal(int sig) {
  if (phase == PHASE_COMMIT) {
    if (!received)
      received = sig;
    return;
  }
  if (phase == PHASE_EXIT || received) {
    say_interrupted(sig);
    _exit(128 + sig);
  }
  received = sig;
  cancel = 1;
}

void cli_interrupt_install(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGINT);
  sigaddset(&sa.sa_mask, SIGTERM);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

const volatile sig_atomic_t *cli_interrupt_flag(void) {
  phase = PHASE_CANCEL;
  return &cancel;
}

int cli_interrupt_check(void) {
  phase = PHASE_EXIT;
  int sig = received;
  if (!sig)
    return -1;
  say_interrupted(sig);
  return 128 + sig;
}

void cli_interrupt_commit(void) {
  phase = PHASE_COMMIT;
}
