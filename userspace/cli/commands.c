// SPDX-License-Identifier: BSD-2-Clause
/*
 * The command table, global options, dispatch and the one place where a command's result
 * becomes an exit status (see cli.h). main() in xlane.c only calls xl_cli_main().
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "control.h"
#include "daemon.h"
#include "iface.h"
#include "log.h"
#include "rules_text.h"

#ifndef XLANE_VERSION
#define XLANE_VERSION "unknown"
#endif

const struct xl_command *const xl_cli_commands[] = {
	&xl_cmd_run,	  &xl_cmd_rule_add, &xl_cmd_rule_del, &xl_cmd_rule_list, &xl_cmd_hot_set,
	&xl_cmd_hot_show, &xl_cmd_stats,    &xl_cmd_detach,   &xl_cmd_status,	 NULL,
};

volatile sig_atomic_t xl_cli_stop;

/* Repeats of the first signal within this time are the same request (see on_signal()). */
#define XL_SIGNAL_REPEAT_NS 1000000000ULL

static uint64_t signal_first_ns;

/*
 * The first SIGINT/SIGTERM asks for a clean stop; a second one, a second or more later, ends the
 * process at once. Copies that arrive together are one request: timeout(1) sends its signal to
 * the command and then to its whole process group, so the command gets it twice.
 */
static void on_signal(int sig)
{
	int saved = errno;

	if (!xl_cli_stop) {
		signal_first_ns = xl_mono_ns();
		xl_cli_stop = 1;
	} else if (xl_mono_ns() - signal_first_ns >= XL_SIGNAL_REPEAT_NS) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
	errno = saved;
}

void xl_cli_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int xl_cli_check_iface(const char *cmd, const char *ifname)
{
	int idx = xl_iface_index(ifname);

	if (idx < 0)
		xl_err("%s: no such interface '%s'", cmd, ifname);
	return idx < 0 ? -ENODEV : idx;
}

int xl_cli_parse_rule(const char *cmd, int argc, char *const argv[], struct xl_rule_spec *out)
{
	struct xl_rule_err err;
	char text[1024], caret[2200];

	if (xl_rule_join(argc, argv, text, sizeof(text)) < 0) {
		xl_err("%s: rule: too long (at most %zu bytes)", cmd, sizeof(text) - 1);
		return XL_CLI_EUSAGE;
	}
	if (!xl_rule_parse(text, out, &err))
		return 0;
	if (err.word)
		xl_err("%s: rule: %s (word %d)", cmd, err.msg, err.word);
	else
		xl_err("%s: rule: %s", cmd, err.msg);
	if (xl_rule_err_caret(&err, text, caret, sizeof(caret)) >= 0)
		fprintf(stderr, "%s\n", caret);
	return XL_CLI_EUSAGE;
}

int xl_cli_control_open(const char *cmd, const char *ifname, struct xl_control **out)
{
	int ret = xl_control_open(ifname, out);

	if (!ret)
		return 0;
	if (ret == -ENOENT) {
		if (xl_iface_index(ifname) < 0)
			xl_err("%s: no such interface '%s'", cmd, ifname);
		else
			xl_err("%s: no running xlane instance on %s (nothing pinned "
			       "under " XL_PIN_ROOT "/%s)",
			       cmd, ifname, ifname);
	} else if (ret == -EPROTO) {
		xl_err("%s: the pins under " XL_PIN_ROOT "/%s are from an incompatible xlane "
		       "version; stop that instance or run 'xlane detach %s'",
		       cmd, ifname, ifname);
	} else {
		xl_log_errno(ret, "%s: %s", cmd, ifname);
	}
	return ret;
}

/* Echo "xlane NAME words..." with a caret under word @idx (0-based in @argv). */
static void caret_line(const char *name, int argc, char *const argv[], int idx)
{
	int i, col = 0, len = 1;
	char line[1024];
	size_t n;

	if (idx < 0 || idx >= argc)
		return;
	n = (size_t)snprintf(line, sizeof(line), "xlane %s", name);
	for (i = 0; i < argc && n + 2 < sizeof(line); i++) {
		int w = snprintf(line + n, sizeof(line) - n, " %s", argv[i]);

		if (w < 0)
			return;
		if (i == idx) {
			col = (int)n + 1;
			len = (int)strlen(argv[i]);
		}
		n += (size_t)w;
		if (n >= sizeof(line)) {
			n = sizeof(line) - 1;
			break;
		}
	}
	if (col >= (int)n)
		return;
	fprintf(stderr, "  %s\n  %*s^", line, col, "");
	for (i = 1; i < len && col + i < (int)n; i++)
		fputc('~', stderr);
	fputc('\n', stderr);
}

static void global_help(FILE *f)
{
	const struct xl_command *const *c;
	char name[64];

	fprintf(f, "Usage: xlane [-v] COMMAND [ARGS] [OPTIONS]\n"
		   "       xlane --version | --help | help COMMAND\n\n"
		   "A kernel-bypass fast lane: XDP steers hot flows to AF_XDP sockets, the rest to "
		   "the kernel.\n\nCommands:\n");
	for (c = xl_cli_commands; *c; c++)
		fprintf(f, "  %-12s %s\n", xl_cmd_fullname(*c, name, sizeof(name)), (*c)->summary);
	fprintf(f, "\nGlobal options:\n"
		   "  -v, --verbose   debug detail (libbpf's messages too)\n"
		   "  -V, --version   print the version\n"
		   "  -h, --help      this list\n\n"
		   "'xlane COMMAND --help' shows a command's options. Exit status: 0 ok, 1 runtime "
		   "failure, 2 usage error.\nSee xlane(8).\n");
}

static bool is_group(const char *w)
{
	const struct xl_command *const *c;

	for (c = xl_cli_commands; *c; c++)
		if ((*c)->group && !strcmp((*c)->group, w))
			return true;
	return false;
}

/* Find the command named by argv[0] (and argv[1] for groups); *used = words consumed. */
static const struct xl_command *lookup(int argc, char *const argv[], int *used)
{
	const struct xl_command *const *c;
	char verbs[128] = "";

	if (argc < 1)
		return NULL;
	for (c = xl_cli_commands; *c; c++) {
		if (!(*c)->group && !strcmp((*c)->name, argv[0])) {
			*used = 1;
			return *c;
		}
	}
	if (!is_group(argv[0])) {
		xl_err("unknown command '%s' (see 'xlane --help')", argv[0]);
		return NULL;
	}
	for (c = xl_cli_commands; *c; c++) {
		if (!(*c)->group || strcmp((*c)->group, argv[0]))
			continue;
		if (argc > 1 && !strcmp((*c)->name, argv[1])) {
			*used = 2;
			return *c;
		}
		snprintf(verbs + strlen(verbs), sizeof(verbs) - strlen(verbs), "%s%s",
			 verbs[0] ? ", " : "", (*c)->name);
	}
	if (argc > 1)
		xl_err("%s: unknown subcommand '%s' (expected %s)", argv[0], argv[1], verbs);
	else
		xl_err("%s: missing subcommand (expected %s)", argv[0], verbs);
	return NULL;
}

static void lib_print(int level, const char *msg)
{
	(void)level;
	xl_dbg("lib: %s", msg);
}

int xl_cli_main(int argc, char **argv)
{
	const struct xl_command *cmd;
	struct xl_opts_err err;
	char name[64];
	void *cfg;
	int i = 1, used = 0, ret;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *o = argv[i];

		if (!strcmp(o, "-v") || !strcmp(o, "--verbose")) {
			xl_log_set_level(XL_LOG_DEBUG);
		} else if (!strcmp(o, "-V") || !strcmp(o, "--version")) {
			printf("xlane %s\n", XLANE_VERSION);
			return XL_EXIT_OK;
		} else if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			global_help(stdout);
			return XL_EXIT_OK;
		} else {
			xl_err("unknown option '%s' (see 'xlane --help')", o);
			return XL_EXIT_USAGE;
		}
	}
	if (i >= argc) {
		global_help(stderr);
		return XL_EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help")) {
		if (i + 1 >= argc) {
			global_help(stdout);
			return XL_EXIT_OK;
		}
		cmd = lookup(argc - i - 1, argv + i + 1, &used);
		if (!cmd)
			return XL_EXIT_USAGE;
		xl_cmd_help(stdout, "xlane", cmd);
		return XL_EXIT_OK;
	}
	cmd = lookup(argc - i, argv + i, &used);
	if (!cmd)
		return XL_EXIT_USAGE;
	i += used;
	xl_cmd_fullname(cmd, name, sizeof(name));

	cfg = calloc(1, cmd->cfg_size);
	if (!cfg) {
		xl_log_errno(ENOMEM, "%s", name);
		return XL_EXIT_FAILURE;
	}
	ret = xl_cmd_parse(cmd, argc - i, argv + i, cfg, &err);
	if (ret == XL_OPTS_HELP) {
		xl_cmd_help(stdout, "xlane", cmd);
		ret = XL_EXIT_OK;
		goto out;
	}
	if (ret == -EINVAL) {
		xl_err("%s: %s (see 'xlane %s --help')", name, err.msg, name);
		caret_line(name, argc - i, argv + i, err.index);
		ret = XL_EXIT_USAGE;
		goto out;
	}
	if (ret < 0) {
		xl_log_errno(ret, "%s", name);
		ret = XL_EXIT_FAILURE;
		goto out;
	}
	xl_log_hook_libbpf();
	if (xl_log_get_level() >= XL_LOG_DEBUG)
		xl_set_print(lib_print);
	ret = cmd->run(cfg);
	ret = ret == 0 ? XL_EXIT_OK : ret == XL_CLI_EUSAGE ? XL_EXIT_USAGE : XL_EXIT_FAILURE;
out:
	xl_cmd_cfg_free(cmd, cfg);
	free(cfg);
	return ret;
}
