/*
 * cliopt.h — what the three programs share about their command lines:
 * usage errors as one line on stderr, exit status 2.
 *
 * getopt_long is called with opterr = 0 and an optstring that starts with
 * ':', so it prints nothing itself; cli_bad_option turns its '?' or ':'
 * into the one line ("loci-search: unknown option '--frobnicate' (see
 * loci-search --help)"), where getopt's own message and a "Try ..." line
 * used to make three.
 */
#ifndef LOCI_CLIOPT_H
#define LOCI_CLIOPT_H

/* Print "PROG: MSG[: ARG] (see PROG --help)" and return 2. */
int cli_usage_error(const char *prog, const char *msg, const char *arg);

/* The usage error for getopt_long's return `c` ('?': unknown option, ':':
 * missing value), naming the option as typed. Returns 2. */
int cli_bad_option(const char *prog, char *const *argv, int c);

#endif
