/*
 * interrupt.h -- Ctrl-C (SIGINT) and SIGTERM in the commands that run for
 * long (fit, select, gmix-mpi fit).
 *
 * A command goes through three phases, and a signal does what is safe in
 * each:
 *  - before and after the long library call, while nothing is being
 *    written: the signal ends the command at once;
 *  - during the call: the first signal sets the flag the library reads
 *    between blocks of rows (gmix_options.cancel), so the call returns
 *    GMIX_ECANCELLED within milliseconds and the command then ends; a
 *    second signal ends it at once;
 *  - once results are being written: signals are only noted, the writing
 *    finishes (a model file is replaced whole or not at all, no temporary
 *    file is left) and the command ends as it would have.
 * Ending on a signal prints one line, "gmix: interrupted by SIGINT;
 * nothing was written", and exits with 128 plus the signal number: 130
 * for SIGINT, 143 for SIGTERM, as a shell reports a command killed by it.
 */
#ifndef GMIX_CLI_INTERRUPT_H
#define GMIX_CLI_INTERRUPT_H

#include <signal.h>

/* Install the handlers of SIGINT and SIGTERM (first phase). System calls
 * a signal interrupts are restarted, so a read or write is not failed by
 * a noted signal. */
void cli_interrupt_install(void);

/* The long call begins: from now on a first signal sets the flag this
 * returns (for gmix_options.cancel) instead of ending the command. */
const volatile sig_atomic_t *cli_interrupt_flag(void);

/* The long call has returned: signals end the command at once again.
 * When one came during the call, print the line and return the exit code
 * (128 + its number); else -1. */
int cli_interrupt_check(void);

/* Results are about to be written: from now on signals are only noted. */
void cli_interrupt_commit(void);

#endif /* GMIX_CLI_INTERRUPT_H */
