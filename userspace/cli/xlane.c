// SPDX-License-Identifier: BSD-2-Clause
/*
 * xlane: the operator's command. The command table (run, rule add|del|list, hot set|show,
 * stats, detach, status, help, --version) is xl_cli_commands[] in commands.c, each command's
 * option table sits in its cmd_*.c, and xlane.8 documents them all.
 */
#include "cli.h"

int main(int argc, char **argv)
{
	return xl_cli_main(argc, argv);
}
