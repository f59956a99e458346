/*
 * cliopt.c — one-line usage errors (see cliopt.h).
 */
#include "cliopt.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int cli_usage_error(const char *prog, const char *msg, const char *arg)
{
    fprintf(stderr, "%s: %s%s%s (see %s --help)\n", prog, msg, arg ? ": " : "", arg ? arg : "",
            prog);
    return 2;
}

int cli_bad_option(const char *prog, char *const *argv, int c)
{
    /* The option as typed: a short one from optopt, else the argument
     * getopt just stepped over ("--frobnicate", "--k1=x"). */
    char shown[64];
    const char *typed = argv[optind - 1];
    if (optopt && typed && typed[0] == '-' && typed[1] != '-')
        snprintf(shown, sizeof shown, "-%c", optopt);
    else
        snprintf(shown, sizeof shown, "%.*s", (int)strcspn(typed ? typed : "?", "="),
                 typed ? typed : "?");
    return cli_usage_error(prog, c == ':' ? "this option needs a value" : "unknown option", shown);
}
