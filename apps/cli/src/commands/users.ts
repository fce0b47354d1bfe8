import type { Command } from 'commander';
import { auditFromCli } from '../audit.ts';
import { UsageError } from '../output/errors.ts';
import { readPassword } from '../output/readSecret.ts';
import { renderTable } from '../output/table.ts';
import { withWarehouse } from '../warehouse.ts';

interface Flags {
  db?: string;
  json?: boolean;
}

export function registerUsers(program: Command): void {
  const users = program
    .command('users')
    .description(
      'Manage who can sign in to the dashboard, and their roles (admin, executive, analyst, retention).',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ retain users add maria --role retention          (asks for the password)
  $ echo "$PASSWORD" | retain users add ci-bot --role analyst
  $ retain users list --json

Roles: admin (everything), executive (KPIs and charts, no personal data), analyst (cohorts, model,
SQL with personal fields masked), retention (at-risk call lists with names and phone numbers).`,
    );

  users
    .command('add <username>')
    .description('Add a user; the password comes from a hidden prompt or standard input.')
    .requiredOption('--role <role>', 'admin, executive, analyst or retention')
    .option('--db <path>', 'database file (default data/retain.duckdb, or RETAIN_DB)')
    .option('--json', 'print the user as JSON')
    .action(async (username: string, flags: Flags & { role: string }) => {
      const { passwordSchema, roleSchema, usernameSchema } = await import('@retain/schemas');
      const name = parse(usernameSchema, username, 'user name');
      const role = parse(roleSchema, flags.role, '--role');
      const password = parse(passwordSchema, await readPassword(`Password for ${name}: `, true), 'password');
      const { addUser } = await import('@retain/access');
      const user = await withWarehouse(flags.db, async (w) => {
        const added = await addUser(w, name, role, password);
        await auditFromCli(w, 'user-add', { user: added.username, role: added.role });
        return added;
      });
      console.log(flags.json ? JSON.stringify(user) : `Added ${user.username} (${user.role}).`);
    });

  users
    .command('list')
    .description('List users and roles.')
    .option('--db <path>', 'database file')
    .option('--json', 'print as JSON')
    .action(async (flags: Flags) => {
      const { listUsers } = await import('@retain/access');
      const list = await withWarehouse(flags.db, listUsers);
      if (flags.json) console.log(JSON.stringify(list, null, 2));
      else if (list.length === 0) console.log('No users yet. Add one: retain users add <name> --role admin');
      else
        console.log(
          renderTable(
            ['user', 'role', 'created', 'password set'],
            list.map((u) => [u.username, u.role, u.createdAt.slice(0, 16), u.passwordSetAt.slice(0, 16)]),
          ),
        );
    });

  users
    .command('remove <username>')
    .description('Remove a user and end their sessions.')
    .option('--db <path>', 'database file')
    .action(async (username: string, flags: Flags) => {
      const { removeUser } = await import('@retain/access');
      await withWarehouse(flags.db, async (w) => {
        await removeUser(w, username);
        await auditFromCli(w, 'user-remove', { user: username });
      });
      console.log(`Removed ${username}.`);
    });

  users
    .command('reset-password <username>')
    .description('Set a new password (hidden prompt or standard input) and end the user’s sessions.')
    .option('--db <path>', 'database file')
    .action(async (username: string, flags: Flags) => {
      const { passwordSchema } = await import('@retain/schemas');
      const password = parse(
        passwordSchema,
        await readPassword(`New password for ${username}: `, true),
        'password',
      );
      const { resetPassword } = await import('@retain/access');
      await withWarehouse(flags.db, async (w) => {
        await resetPassword(w, username, password);
        await auditFromCli(w, 'password-reset', { user: username });
      });
      console.log(`Password of ${username} changed; their sessions have ended.`);
    });
}

function parse<T>(
  schema: {
    safeParse(
      v: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: Array<{ message: string }> } };
  },
  value: unknown,
  what: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(`${what}: ${result.error.issues[0]?.message ?? 'invalid'}`);
  return result.data;
}
