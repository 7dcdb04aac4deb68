/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file cli.h
 * @brief The xlane program's command table and the helpers its commands share.
 *
 * A command's run() returns 0, a negative errno for a runtime failure (exit status 1), or
 * XL_CLI_EUSAGE for a usage error it found itself, e.g. a rule that does not parse (exit status
 * 2). It has printed its own message; main() maps the value to the exit status, once.
 */
#ifndef XLANE_CLI_CLI_H
#define XLANE_CLI_CLI_H

#include <signal.h>

#include "options.h"

/** run() value for a usage error (outside the errno range). */
#define XL_CLI_EUSAGE (-4096)

/** Exit statuses (xlane(8), EXIT STATUS). */
enum xl_exit {
	XL_EXIT_OK = 0,
	XL_EXIT_FAILURE = 1,
	XL_EXIT_USAGE = 2,
};

extern const struct xl_command xl_cmd_run;
extern const struct xl_command xl_cmd_rule_add;
extern const struct xl_command xl_cmd_rule_del;
extern const struct xl_command xl_cmd_rule_list;
extern const struct xl_command xl_cmd_hot_set;
extern const struct xl_command xl_cmd_hot_show;
extern const struct xl_command xl_cmd_stats;
extern const struct xl_command xl_cmd_detach;
extern const struct xl_command xl_cmd_status;

/** Every command, NULL-terminated (commands.c). */
extern const struct xl_command *const xl_cli_commands[];

/**
 * @brief **xl_cli_main()** the whole program: global options, command lookup, parsing, run.
 * @return the exit status
 */
int xl_cli_main(int argc, char **argv);

/**
 * @brief **xl_cli_check_iface()** prints "no such interface" and returns -ENODEV when
 * @p ifname does not exist in this network namespace; else returns its ifindex.
 */
int xl_cli_check_iface(const char *cmd, const char *ifname);

/**
 * @brief **xl_cli_parse_rule()** joins @p argc words, parses them as one rule and on error
 * prints the message with the word number and a caret line.
 * @return 0, or XL_CLI_EUSAGE
 */
struct xl_rule_spec;
int xl_cli_parse_rule(const char *cmd, int argc, char *const argv[], struct xl_rule_spec *out);

/**
 * @brief **xl_cli_control_open()** opens the running instance on @p ifname, printing the reason
 * on failure ("no running xlane instance on IFACE", "not permitted", ...).
 * @return 0 or -errno
 */
struct xl_control;
int xl_cli_control_open(const char *cmd, const char *ifname, struct xl_control **out);

/** Set by SIGINT/SIGTERM (xl_cli_catch_signals()). */
extern volatile sig_atomic_t xl_cli_stop;

/** @brief **xl_cli_catch_signals()** SIGINT and SIGTERM set xl_cli_stop (no SA_RESTART). */
void xl_cli_catch_signals(void);

#endif /* XLANE_CLI_CLI_H */
