/*
 * main.c -- the gmix command: dispatch to a subcommand, --help, --version.
 */
#include <stdio.h>
#include <string.h>

#include "common.h"

static const cli_command *const commands[] = {
    &cli_fit,    &cli_select, &cli_predict, &cli_score,
    &cli_sample, &cli_info,   &cli_plot};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const char main_manual_head[] =
    "NAME\n"
    "       gmix - Gaussian mixture models fitted by EM\n"
    "\n"
    "SYNOPSIS\n"
    "       gmix COMMAND [OPTIONS] [ARGUMENTS]\n"
    "       gmix help COMMAND\n"
    "       gmix --help | --version\n"
    "\n"
    "DESCRIPTION\n"
    "       gmix estimates a probability density as a mixture of K Gaussians,\n"
    "       fitted to the rows of a data file by the EM algorithm, and saves\n"
    "       the model as a JSON file that other commands (and any language\n"
    "       with a JSON reader) use.\n"
    "\n"
    "COMMANDS\n";

static const char main_manual_tail[] =
    "\n"
    "       Run 'gmix help COMMAND' or 'gmix COMMAND --help' for the options\n"
    "       of each.\n"
    "\n"
    "OPTIONS\n"
    "       -h, --help     Show this manual and exit.\n"
    "       -V, --version  Show the version of gmix and of its library.\n"
    "\n"
    "OUTPUT\n"
    "       Results go to standard output (or the file given with -o);\n"
    "       messages go to standard error as 'gmix: <message>', naming the\n"
    "       file, line and column, or the component, that is at fault.\n"
    "\n" CLI_EXIT_STATUS "\n"
    "EXAMPLES\n"
    "       gmix fit examples/faithful.csv -k 2 -o faithful.json\n"
    "       gmix select examples/faithful.csv -o best.json\n"
    "       gmix predict faithful.json examples/faithful.csv | head\n"
    "       gmix score faithful.json examples/faithful.csv\n"
    "       gmix sample faithful.json -n 5 --seed 1\n"
    "       gmix info faithful.json\n"
    "       gmix plot faithful.json examples/faithful.csv -o faithful.png\n";

static void print_main_manual(FILE *f) {
  fputs(main_manual_head, f);
  for (size_t i = 0; i < N_COMMANDS; i++)
    fprintf(f, "       %-9s %s\n", commands[i]->name, commands[i]->summary);
  fputs(main_manual_tail, f);
}

/* "fit, select, ..., sample and info": the commands, for messages. */
static void list_commands(char *buf, size_t size) {
  buf[0] = '\0';
  for (size_t i = 0; i < N_COMMANDS; i++) {
    size_t used = strlen(buf);
    const char *sep = i == 0 ? "" : i + 1 == N_COMMANDS ? " and " : ", ";
    snprintf(buf + used, size - used, "%s%s", sep, commands[i]->name);
  }
}

/* A usage error for a command that does not exist. */
static int no_such_command(const char *name) {
  char names[256];
  list_commands(names, sizeof names);
  return cli_usage(NULL, "no command '%s'; the commands are %s", name, names);
}

static const cli_command *find_command(const char *name) {
  for (size_t i = 0; i < N_COMMANDS; i++)
    if (strcmp(commands[i]->name, name) == 0)
      return commands[i];
  return NULL;
}

/* `gmix help [COMMAND]`. */
static int run_help(int argc, char **argv) {
  if (argc < 2) {
    print_main_manual(stdout);
    return EXIT_OK;
  }
  const cli_command *cmd = find_command(argv[1]);
  if (!cmd)
    return no_such_command(argv[1]);
  cli_print_manual(cmd, stdout);
  return EXIT_OK;
}

/* Close standard output and report a failed final write, so that
 * `gmix ... > /dev/full` exits non-zero instead of losing output silently.
 */
static int finish(int status) {
  return cli_close_output(stdout, "-", status);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs("Usage: gmix COMMAND [OPTIONS] [ARGUMENTS]\nCommands: ", stderr);
    for (size_t i = 0; i < N_COMMANDS; i++)
      fprintf(stderr, "%s%s", i ? ", " : "", commands[i]->name);
    fputs(".\nTry 'gmix --help' for more information.\n", stderr);
    return EXIT_USAGE;
  }
  const char *name = argv[1];
  if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0) {
    print_main_manual(stdout);
    return finish(EXIT_OK);
  }
  if (strcmp(name, "-V") == 0 || strcmp(name, "--version") == 0) {
    printf("gmix %s (libgmix %s)\n", GMIX_VERSION_STRING, gmix_version());
    return finish(EXIT_OK);
  }
  if (strcmp(name, "help") == 0)
    return finish(run_help(argc - 1, argv + 1));
  const cli_command *cmd = find_command(name);
  if (!cmd) {
    if (name[0] == '-')
      return cli_usage(NULL, "unknown option '%s' (options follow the command)",
                       name);
    return no_such_command(name);
  }
  if (cli_wants_help(argc - 1, argv + 1)) {
    cli_print_manual(cmd, stdout);
    return finish(EXIT_OK);
  }
  /* The subcommand sees "gmix fit" as its program name, which is how
   * getopt_long's own messages then introduce themselves. */
  char prog[32];
  snprintf(prog, sizeof prog, "gmix %s", cmd->name);
  argv[1] = prog;
  return finish(cmd->run(argc - 1, argv + 1));
}
